import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { WriteAccess } from '../auth/access.decorators';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

/**
 * An admin route: a member of ADMIN_GROUP, signed in recently, whose token Cognito still honours
 * (reads included: an admin's powers end with the admin's sessions); limited per admin.
 */
export const AdminOnly = () =>
  applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(),
    ApiErrorResponses(401, 403, 503),
    RateLimit('admin'),
    WriteAccess({ recentSignIn: true, admin: true }),
  );
