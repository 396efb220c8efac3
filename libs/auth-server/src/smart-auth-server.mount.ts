import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { setupAdminDocs } from './admin/admin-docs.setup.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  answerAhead,
  documentsAheadResponder,
  type DocumentAnswerHook,
} from './discovery/documents-ahead.responder.js';
import { SmartConfigurationService } from './discovery/smart-configuration.service.js';
import type { ResolvedSmartAuthServerOptions } from './options/auth-server.options.js';
import { oauthEndpointPath } from './common/smart.routes.js';
import { engineDocuments, engineMiddleware } from './provider/engine.providers.js';
import { SmartAuthMetrics } from './metrics/auth-metrics.service.js';
import { recordAnswered } from './tracing/auth.tracer.js';
import { HostCheckService } from './security/host-check.service.js';
import { RequestGuardService } from './security/request-guard.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from './smart-auth-server.constants.js';

/** How `mountSmartAuthServer` puts the auth server on the host's app. */
export interface SmartAuthServerMountOptions {
  /**
   * Answer GET and HEAD of the smart-configuration, the openid-configuration and the JWKS
   * (exact paths, no query, the public URL's host) ahead of the host's Express app: the same
   * bytes, headers, metrics and spans, for about a third less server CPU, but none of the host's
   * own middleware (request logging, request ids) runs for them. Default false.
   */
  documentsAhead?: boolean;
  /**
   * With `documentsAhead`: runs before each such answer, for what the host adds to every answer
   * (a request id header, say). Keep it cheap; what it throws sends the request the full way.
   */
  beforeDocumentAnswer?: DocumentAnswerHook;
}

/**
 * Mounts the engine on the host's Express app. Call before `app.init()` / `listen()`: the
 * engine reads request bodies itself, so it must run before Nest's body parsers.
 */
export function mountSmartAuthServer(
  app: INestApplication,
  mount: SmartAuthServerMountOptions = {},
): void {
  if (mount.beforeDocumentAnswer && !mount.documentsAhead) {
    throw new Error('mountSmartAuthServer: beforeDocumentAnswer needs documentsAhead: true');
  }
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
  if (mount.documentsAhead) installDocumentsAhead(app, mount.beforeDocumentAnswer);
}

/** The three documents, answered in front of the host's request listeners (`documentsAhead`). */
function installDocumentsAhead(app: INestApplication, beforeAnswer?: DocumentAnswerHook): void {
  const options = app.get<ResolvedSmartAuthServerOptions>(SMART_AUTH_SERVER_OPTIONS);
  const guard = app.get(RequestGuardService);
  const hostCheck = app.get(HostCheckService);
  const smartConfiguration = app.get(SmartConfigurationService);
  const logger = new Logger('SmartAuthServer');
  const metrics = app.get(SmartAuthMetrics);
  const engineDocument = engineDocuments(app);
  answerAhead(
    app.getHttpServer() as Server,
    documentsAheadResponder({
      documents: [
        {
          path: smartConfiguration.path,
          endpoint: 'discovery',
          current: () => smartConfiguration.document,
        },
        {
          path: `${options.routes.wellKnown}/openid-configuration`,
          endpoint: 'discovery',
          current: () => engineDocument('discovery'),
        },
        {
          path: oauthEndpointPath(options.routes, 'jwks'),
          endpoint: 'jwks',
          current: () => engineDocument('jwks'),
        },
      ],
      isCanonical: (req) => hostCheck.isCanonical(req),
      securityHeaders: (req) => guard.securityHeaders(req),
      startTimer: () => metrics.startTimer(),
      answered: (endpoint, req, status, started) => {
        metrics.requestDone(endpoint, status, started);
        recordAnswered(endpoint, req.headers, status);
      },
      beforeAnswer,
    }),
    (err) => logger.error(`answering a document ahead of the host failed: ${String(err)}`),
  );
}
