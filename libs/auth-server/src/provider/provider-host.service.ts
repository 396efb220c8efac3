import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { AccountResolver } from '../accounts/account.port.js';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { toPublicJwk } from '../keys/key.generator.js';
import { SigningKeysService, type KeyMaterial } from '../keys/signing-keys.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { OidcPayloadEntity } from '../persistence/oidc-payload.entity.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { EnginePolicyService } from './engine-policy.service.js';
import { buildOidcConfiguration } from './oidc-configuration.builder.js';
import { engineAdapterFactory, toEngineError } from './provider-adapter.js';

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
  private timer: NodeJS.Timeout | undefined;
  /** Paths under the mount that Nest serves instead of the engine. */
  private readonly reserved = new Set<string>();

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
    private readonly clients: ClientRegistryService,
    private readonly accounts: AccountResolver,
    private readonly policy: EnginePolicyService,
  ) {}

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

  /** Express middleware that hands engine paths to oidc-provider. */
  middleware(): (
    req: IncomingMessage & { path?: string },
    res: ServerResponse,
    next: Next,
  ) => void {
    const mount = `${this.options.mountPath}/`;
    return (req, res, next) => {
      const path = req.path ?? new URL(req.url ?? '/', 'http://x').pathname;
      const mine =
        path === '/.well-known/openid-configuration' ||
        (path.startsWith(mount) && !this.reserved.has(path));
      if (!mine || !this.handler) return next();
      this.handler(req, res).catch(next);
    };
  }

  private install(material: KeyMaterial): void {
    const provider = new Provider(
      this.options.issuer,
      buildOidcConfiguration({
        options: this.options,
        keys: material,
        adapter: engineAdapterFactory(
          this.dataSource.getRepository(OidcPayloadEntity),
          this.clients,
        ),
        accounts: this.accounts,
        policy: this.policy,
      }),
    );
    provider.proxy = this.options.trustProxy;
    this.customise(provider);
    this.current = provider;
    this.handler = provider.callback();
    this.fingerprint = material.fingerprint;
    this.publicKeys = { keys: material.jwks.map(toPublicJwk) };
  }

  /** The published JWKS (public keys), as the engine serves it. */
  get jwks(): { keys: Record<string, unknown>[] } {
    return this.publicKeys;
  }

  private customise(provider: Provider): void {
    const clients = this.clients;
    const ClientClass = provider.Client as unknown as { prototype: Record<string, unknown> };
    ClientClass.prototype.compareClientSecret = function (
      this: { clientId: string },
      actual: string,
    ) {
      return clients.verifySecret(this.clientId, actual).catch((err: unknown) => {
        throw toEngineError(err);
      });
    };
    provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
      await next();
      if (ctx.oidc?.route === 'token') ctx.set('Pragma', 'no-cache');
      if (ctx.status === 503) ctx.set('Retry-After', '5');
    });
    provider.on('server_error', (_ctx: unknown, err: Error) =>
      this.logger.error(`engine server_error: ${err.message}`, err.stack),
    );
  }
}
