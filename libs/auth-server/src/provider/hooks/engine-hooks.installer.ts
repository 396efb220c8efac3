import type { Logger } from '@nestjs/common';
import type Provider from 'oidc-provider';
import type { AppGrantsStore } from '../../grants/app-grants.store.js';
import type { SmartContextStore } from '../../launch/smart-context.store.js';
import type { OidcPayloadRepository } from '../../persistence/repositories/oidc-payload.repository.js';
import type { SmartAuthMetrics } from '../../metrics/auth-metrics.service.js';
import type { GrantAccessTokensService } from '../../revocation/grant-access-tokens.service.js';
import type { RequestGuardService } from '../../security/request-guard.service.js';
import type { SecurityEventsService } from '../../security/security-events.service.js';
import type { EngineDocumentsCache } from '../engine-documents.cache.js';
import { revokeEngineGrant } from '../grant-revocation.functions.js';
import { pinCanonicalOrigin } from './canonical-origin.patch.js';
import { omitRefreshIdTokens } from './refresh-id-token.patch.js';
import { installAtomicReplayDetection } from './replay-detection.patch.js';
import { verifyHashedClientSecrets, type SecretVerifier } from './client-secret.patch.js';
import { clientLimitsHook } from './client-limits.hook.js';
import { hookedEndpoints } from './client-identity.reader.js';
import { discoveryHook } from './discovery.hook.js';
import { engineDocumentsHook } from './engine-documents.hook.js';
import { logEngineErrors, recordAppGrantUse } from './engine-events.hook.js';
import { failedAuthHook } from './failed-auth.hook.js';
import { grantTokensHook } from './grant-tokens.hook.js';
import { metricsHook } from './metrics.hook.js';
import { tracingHook } from './tracing.hook.js';
import { listenForReplaySignals, replayRevocationHook } from './replay-revocation.hook.js';
import { securityEventsHook } from './security-events.hook.js';
import { engineTokenPreflight } from './token-preflight.hook.js';
import { nameFailedRule, tokenResponseHook } from './token-response.hook.js';

export interface EngineHookDependencies {
  issuer: string;
  oauthPath: string;
  /** `idTokenOnRefresh`: a new ID token with every refresh (else none, see the patch). */
  idTokenOnRefresh: boolean;
  sharedDiscovery: Record<string, unknown>;
  /** Where this engine instance's discovery document and JWKS are kept as bytes. */
  documents: EngineDocumentsCache;
  secrets: SecretVerifier;
  contexts: SmartContextStore;
  guard: RequestGuardService;
  events: SecurityEventsService;
  grantTokens: GrantAccessTokensService;
  appGrants: AppGrantsStore;
  logger: Logger;
  payloads: OidcPayloadRepository;
  metrics: SmartAuthMetrics;
}

/**
 * Installs every patch and hook of ours in the engine: the patches (the public URL's origin on
 * every request, hashed client secrets, atomic replay detection, no ID token on refresh unless
 * `idTokenOnRefresh`), then the middleware in this fixed order (the tracing hook outermost,
 * then the metrics hook, only when metrics are enabled) (Koa: the first runs outermost,
 * so after the engine answered the last runs first: the response is shaped before the hooks
 * that count and report it read it).
 */
export function installEngineHooks(provider: Provider, deps: EngineHookDependencies): void {
  const { oauthPath } = deps;
  // Built once here: the hooks classify every engine request with it.
  const endpointOf = hookedEndpoints(oauthPath);
  pinCanonicalOrigin(provider, deps.issuer);
  verifyHashedClientSecrets(provider, deps.secrets);
  installAtomicReplayDetection(provider, deps.payloads);
  if (!deps.idTokenOnRefresh) omitRefreshIdTokens(provider);
  provider.use(tracingHook());
  if (deps.metrics.enabled) provider.use(metricsHook(deps.metrics));
  provider.use(engineTokenPreflight(provider, oauthPath));
  provider.use(clientLimitsHook(deps.guard, endpointOf));
  provider.use(securityEventsHook(deps.events, endpointOf));
  provider.use(failedAuthHook(deps.guard, endpointOf));
  provider.use(
    replayRevocationHook(
      {
        revokeGrant: (grantId) => revokeEngineGrant(provider, grantId),
        grantOfCode: async (code) => (await provider.AuthorizationCode.find(code))?.grantId,
        grantTokens: deps.grantTokens,
      },
      endpointOf,
    ),
  );
  provider.use(grantTokensHook(deps.grantTokens, endpointOf));
  provider.use(tokenResponseHook(deps.contexts, endpointOf));
  provider.use(engineDocumentsHook(deps.documents));
  provider.use(discoveryHook(deps.sharedDiscovery));
  provider.on('grant.error', nameFailedRule);
  provider.on('authorization.error', nameFailedRule);
  listenForReplaySignals(provider);
  recordAppGrantUse(provider, deps.appGrants);
  logEngineErrors(provider, deps.logger);
}
