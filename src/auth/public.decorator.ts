import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opens a route (or a controller) to callers without an access token; everything else is closed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
