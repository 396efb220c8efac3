import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SmartAdminActor } from '../audit/audit.types.js';

/** Where `AdminApiGuard` leaves the authenticated caller on the request. */
export const ADMIN_ACTOR = Symbol('smart:admin-actor');

export type AdminRequest = { [ADMIN_ACTOR]?: SmartAdminActor; id?: unknown };

/** The caller of an admin route (the token's client), as set by `AdminApiGuard`. */
export const AdminActor: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SmartAdminActor => {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    return req[ADMIN_ACTOR] ?? { actor: 'unknown' };
  },
);
