import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import type { AccountResolver } from '../accounts/account.port.js';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { toPublicJwk } from '../keys/key.generator.js';
import { SigningKeysService, type KeyMaterial } from '../keys/signing-keys.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { OidcPayloadRepository } from '../persistence/repositories/oidc-payload.repository.js';
import { ACCOUNTS, SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { EnginePolicyService } from './engine-policy.service.js';
import { buildOidcConfiguration } from './oidc-configuration.builder.js';
import { engineAdapterFactory } from './engine-storage.adapter.js';
import { guardedFetch } from './guarded-fetch.factory.js';
import { LaunchService } from '../launch/launch.service.js';
import { SmartContextStore } from '../launch/smart-context.store.js';
import { sharedDiscoveryMetadata } from '../discovery/discovery-metadata.builder.js';
import { registerJwtBearerGrant } from './jwt-bearer.grant.js';
import { TrustedIssuerService } from '../trusted-issuers/trusted-issuer.service.js';
import { RequestGuardService } from '../security/request-guard.service.js';
import { SecurityEventsService } from '../security/security-events.service.js';
import { GrantAccessTokensService } from '../revocation/grant-access-tokens.service.js';
import { AppGrantsStore } from '../grants/app-grants.store.js';
import { installEngineHooks } from './hooks/engine-hooks.installer.js';
import { EngineDocumentsCache, type EngineDocumentRoute } from './engine-documents.cache.js';
import type { PrecomputedDocument } from '../common/precomputed-document.responder.js';
import { oauthEndpointPath } from '../common/smart.routes.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { recordAnswered } from '../tracing/auth.tracer.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type Next = (err?: unknown) => void;

/**
 * Owns the one oidc-provider instance: builds it from the resolved options and the stored keys,
 * rebuilds it when another instance rotated the keys, and exposes an Express middleware.
 */
@Injectable()
export class ProviderHost implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SmartAuthServer');
  private current: Provider | undefined;
  private handler: Handler | undefined;
  private fingerprint = '';
  private publicKeys: { keys: Record<string, unknown>[] } = { keys: [] };
  private cookieKeys: string[] = [];
  /** The current engine's openid-configuration and JWKS as bytes (new with every engine). */
  private documents = new EngineDocumentsCache();
  private timer: NodeJS.Timeout | undefined;
  /** Paths under the mount that Nest serves instead of the engine. */
  private readonly reserved = new Set<string>();
  /** What the openid-configuration shares with the smart-configuration. */
  private readonly sharedDiscovery: Record<string, unknown>;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly payloads: OidcPayloadRepository,
    private readonly keys: SigningKeysService,
    private readonly clients: ClientRegistryService,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
    private readonly policy: EnginePolicyService,
    private readonly trustedIssuers: TrustedIssuerService,
    private readonly launches: LaunchService,
    private readonly contexts: SmartContextStore,
    private readonly guard: RequestGuardService,
    private readonly securityEvents: SecurityEventsService,
    private readonly grantTokens: GrantAccessTokensService,
    private readonly appGrants: AppGrantsStore,
    private readonly metrics: SmartAuthMetrics,
  ) {
    this.sharedDiscovery = sharedDiscoveryMetadata(options);
  }

  async onModuleInit(): Promise<void> {
    this.install(await this.keys.ensureKeys());
    this.timer = setInterval(
      () => void this.refreshKeys(),
      this.options.keyRefreshIntervalSeconds * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The engine; throws before the module has initialised. */
  get provider(): Provider {
    if (!this.current) throw new Error('the authorization server is not initialised yet');
    return this.current;
  }

  /** Lets a Nest controller serve a path under the mount (e.g. a custom endpoint). */
  reservePath(path: string): void {
    this.reserved.add(path);
  }

  /** Re-reads the keys; rebuilds the engine when the published set or signing order changed. */
  async refreshKeys(): Promise<boolean> {
    try {
      const material = await this.keys.load();
      if (material.fingerprint === this.fingerprint) return false;
      this.install(material);
      this.logger.log('signing keys changed: engine rebuilt');
      return true;
    } catch (err) {
      this.logger.warn(`key refresh failed: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Express middleware that hands engine paths to oidc-provider. GET and HEAD of the
   * openid-configuration and the JWKS are answered from the current engine's bytes once it has
   * produced them (timed as the engine's `discovery` and `jwks` routes); other spellings the
   * engine accepts (trailing slash, letter case) still go through it.
   */
  middleware(): (
    req: IncomingMessage & { path?: string },
    res: ServerResponse,
    next: Next,
  ) => void {
    const mount = `${this.options.routes.oauth}/`;
    const openidConfiguration = `${this.options.routes.wellKnown}/openid-configuration`;
    const jwks = oauthEndpointPath(this.options.routes, 'jwks');
    return (req, res, next) => {
      const path = req.path ?? new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' || req.method === 'HEAD') {
        const route =
          path === openidConfiguration ? 'discovery' : path === jwks ? 'jwks' : undefined;
        if (route && this.answerFromBytes(route, req, res)) return;
      }
      const mine =
        path === openidConfiguration || (path.startsWith(mount) && !this.reserved.has(path));
      if (!mine || !this.handler) return next();
      // The engine serves its discovery document at its own root; under a mount path the
      // request is handed over as if for that root (every URL in it comes from the options).
      if (path === openidConfiguration && req.url) {
        req.url = req.url.slice(this.options.routes.base.length);
      }
      this.handler(req, res).catch(next);
    };
  }

  /** The current engine's document of `route`; undefined before it has produced it. */
  document(route: EngineDocumentRoute): PrecomputedDocument | undefined {
    return this.documents.get(route);
  }

  /** Answers from the engine's bytes, timed like the engine's route; false before it has them. */
  private answerFromBytes(
    route: EngineDocumentRoute,
    req: IncomingMessage,
    res: ServerResponse,
  ): boolean {
    const started = this.metrics.startTimer();
    if (!this.documents.answer(route, req, res)) return false;
    this.metrics.requestDone(route, res.statusCode, started);
    recordAnswered(route, req.headers, res.statusCode);
    return true;
  }

  private install(material: KeyMaterial): void {
    const fetchPolicy = {
      allowPrivateHosts: this.options.fetchAllowPrivateHosts,
      maxBodyBytes: this.options.fetchMaxBodyBytes,
    };
    const jwksFetched = (source: 'client' | 'trusted_issuer') => (ok: boolean) =>
      this.metrics.jwksFetched(source, ok);
    const documents = new EngineDocumentsCache();
    const provider = new Provider(
      this.options.issuer,
      buildOidcConfiguration({
        options: this.options,
        keys: material,
        adapter: engineAdapterFactory(this.payloads, this.clients),
        accounts: this.accounts,
        policy: this.policy,
        fetchPolicy: { ...fetchPolicy, onOutcome: jwksFetched('client') },
        launches: this.launches,
        contexts: this.contexts,
      }),
    );
    provider.proxy = this.options.trustProxy;
    registerJwtBearerGrant(provider, {
      issuers: this.trustedIssuers,
      policy: this.policy,
      resource: this.options.issuer,
      extraScopes: this.options.extraScopes,
      fetch: guardedFetch({ ...fetchPolicy, onOutcome: jwksFetched('trusted_issuer') }),
      signingAlg: this.options.accessTokenSigningAlg,
    });
    installEngineHooks(provider, {
      issuer: this.options.issuer,
      oauthPath: this.options.routes.oauth,
      idTokenOnRefresh: this.options.idTokenOnRefresh,
      sharedDiscovery: this.sharedDiscovery,
      documents,
      secrets: this.clients,
      contexts: this.contexts,
      guard: this.guard,
      events: this.securityEvents,
      grantTokens: this.grantTokens,
      appGrants: this.appGrants,
      logger: this.logger,
      payloads: this.payloads,
      metrics: this.metrics,
    });
    this.current = provider;
    this.handler = provider.callback();
    this.documents = documents;
    this.fingerprint = material.fingerprint;
    this.publicKeys = { keys: material.jwks.map(toPublicJwk) };
    this.cookieKeys = material.cookieKeys;
  }

  /** The newest shared cookie secret (also keys CSRF tokens of interaction pages). */
  get cookieSecret(): string {
    return this.cookieKeys[0];
  }

  /** The published JWKS (public keys), as the engine serves it. */
  get jwks(): { keys: Record<string, unknown>[] } {
    return this.publicKeys;
  }
}
