import type { Provider, Type } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { RegistrationController } from '../registration/registration.controller.js';
import { RegistrationGuard } from '../registration/registration.guard.js';
import { AdminApiGuard } from './admin-api.guard.js';
import { AuditController } from './audit.controller.js';
import { ClientsController } from './clients.controller.js';
import { UsersController } from './users.controller.js';
import { UserRevocationService } from '../revocation/user-revocation.service.js';

/**
 * Controllers and providers of the admin REST API (clients, users, audit) and of the public
 * registration endpoint, wired into `SmartAuthServerModule`.
 */
export const ADMIN_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [ClientsController, UsersController, AuditController, RegistrationController],
  providers: [
    ClientsService,
    UserRevocationService,
    AuditTrailService,
    AdminApiGuard,
    RegistrationGuard,
  ],
};
