import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { AdminGuard } from './admin.guard';

/** An admin route: a member of ADMIN_GROUP, signed in recently; limited per admin. */
export const AdminOnly = () =>
  applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(),
    ApiErrorResponses(401, 403, 503),
    RateLimit('admin'),
    UseGuards(AdminGuard),
  );
