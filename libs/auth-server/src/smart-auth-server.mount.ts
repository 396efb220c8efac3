import type { INestApplication } from '@nestjs/common';
import { setupAdminDocs } from './admin/admin-docs.setup.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SmartConfigurationService } from './discovery/smart-configuration.service.js';
import type { ResolvedSmartAuthServerOptions } from './options/auth-server.options.js';
import { engineMiddleware } from './provider/engine.providers.js';
import { HostCheckService } from './security/host-check.service.js';
import { RequestGuardService } from './security/request-guard.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from './smart-auth-server.constants.js';

/**
 * Mounts the engine on the host's Express app. Call before `app.init()` / `listen()`: the
 * engine reads request bodies itself, so it must run before Nest's body parsers.
 */
export function mountSmartAuthServer(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const options = app.get<ResolvedSmartAuthServerOptions>(SMART_AUTH_SERVER_OPTIONS);
  express.set('trust proxy', options.trustProxy);
  // Security headers, per-IP limits and failure backoff, before every route (the engine's too).
  express.use(app.get(RequestGuardService).middleware());
  // Strict host names: 421 for a host neither the issuer's nor in `allowedHosts`.
  express.use(app.get(HostCheckService).middleware());
  // The smart-configuration from its precomputed bytes, before Nest's router.
  express.use(app.get(SmartConfigurationService).middleware());
  express.use(engineMiddleware(app));
  setupAdminDocs(app, options.routes.admin);
}
