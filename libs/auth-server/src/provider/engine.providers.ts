import type { INestApplicationContext, Provider as NestProvider } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineGrantsAdapter } from './adapters/engine-grants.adapter.js';
import { EngineInteractionsAdapter } from './adapters/engine-interactions.adapter.js';
import { EngineKeysAdapter } from './adapters/engine-keys.adapter.js';
import { EngineRoutesAdapter } from './adapters/engine-routes.adapter.js';
import { EngineSessionsAdapter } from './adapters/engine-sessions.adapter.js';
import { EngineTokensAdapter } from './adapters/engine-tokens.adapter.js';
import { EngineGrants } from './ports/engine-grants.port.js';
import { EngineInteractions } from './ports/engine-interactions.port.js';
import { EngineKeys } from './ports/engine-keys.port.js';
import { EngineRoutes } from './ports/engine-routes.port.js';
import { EngineSessions } from './ports/engine-sessions.port.js';
import { EngineTokens } from './ports/engine-tokens.port.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { EnginePolicyService } from './engine-policy.service.js';
import type { PrecomputedDocument } from '../common/precomputed-document.responder.js';
import type { EngineDocumentRoute } from './engine-documents.cache.js';
import { ProviderHost } from './provider-host.service.js';
import { TokenRegistryService } from './token-registry.service.js';

/**
 * The engine host and the ports the rest of the server reaches it through (nothing outside
 * provider/ holds the oidc-provider instance), with the engine's policy hooks and the token
 * services built on its keys.
 */
export const ENGINE_PROVIDERS: NestProvider[] = [
  ProviderHost,
  EnginePolicyService,
  AccessTokenVerifier,
  TokenRegistryService,
  { provide: EngineInteractions, useClass: EngineInteractionsAdapter },
  { provide: EngineGrants, useClass: EngineGrantsAdapter },
  { provide: EngineSessions, useClass: EngineSessionsAdapter },
  { provide: EngineTokens, useClass: EngineTokensAdapter },
  { provide: EngineRoutes, useClass: EngineRoutesAdapter },
  { provide: EngineKeys, useClass: EngineKeysAdapter },
];

/** The Express middleware that hands engine paths to oidc-provider (see mountSmartAuthServer). */
export function engineMiddleware(
  app: INestApplicationContext,
): (
  req: IncomingMessage & { path?: string },
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void {
  return app.get(ProviderHost).middleware();
}

/**
 * The current engine's openid-configuration (`discovery`) or JWKS (`jwks`) as bytes; undefined
 * while the engine has not produced them yet.
 */
export function engineDocuments(
  app: INestApplicationContext,
): (route: EngineDocumentRoute) => PrecomputedDocument | undefined {
  const host = app.get(ProviderHost);
  return (route) => host.document(route);
}
