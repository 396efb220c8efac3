import type { SmartFeature } from '../common/feature.types.js';
import { AdminApiGuard } from './admin-api.guard.js';
import { AuditController } from './audit.controller.js';
import { SmartAuthAdmin } from './auth-admin.port.js';
import { SmartAuthAdminService } from './auth-admin.service.js';
import { ClientsController } from './clients.controller.js';
import { KeysController } from './keys.controller.js';
import { LaunchController } from './launches.controller.js';
import { MetricsController } from './metrics.controller.js';
import { TrustedIssuersController } from './trusted-issuers.controller.js';
import { UsersController } from './users.controller.js';

/** The admin REST API (clients, users, audit, launches, trusted issuers, keys, metrics) and its port. */
export const ADMIN_FEATURE: SmartFeature = {
  controllers: [
    ClientsController,
    UsersController,
    AuditController,
    LaunchController,
    TrustedIssuersController,
    KeysController,
    MetricsController,
  ],
  providers: [
    AdminApiGuard,
    SmartAuthAdminService,
    { provide: SmartAuthAdmin, useExisting: SmartAuthAdminService },
  ],
};
