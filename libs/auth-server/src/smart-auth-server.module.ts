import { Module, type Provider as NestProvider } from '@nestjs/common';
import { ADMIN_FEATURE } from './admin/admin.feature.js';
import { AccountResolver, SubjectOnlyAccountResolver } from './accounts/account.port.js';
import { ClientRegistryService } from './clients/client-registry.service.js';
import { DiscoveryController } from './discovery/discovery.controller.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import { resolveAuthServerOptions } from './options/auth-server-options.resolver.js';
import type { SmartAuthServerOptions } from './options/auth-server.options.js';
import { ExpiredRowsCleaner } from './persistence/expired-rows.cleaner.js';
import { EnginePolicyService } from './provider/engine-policy.service.js';
import { ProviderHost } from './provider/provider-host.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from './smart-auth-server.constants.js';
import { AccessTokenVerifier } from './tokens/access-token.verifier.js';
import {
  SMART_AUTH_SERVER_RAW_OPTIONS,
  SmartAuthServerModuleBase,
} from './smart-auth-server.module-definition.js';

const providers: NestProvider[] = [
  {
    provide: SMART_AUTH_SERVER_OPTIONS,
    inject: [SMART_AUTH_SERVER_RAW_OPTIONS],
    useFactory: (raw: SmartAuthServerOptions) => resolveAuthServerOptions(raw),
  },
  {
    provide: AccountResolver,
    inject: [{ token: AccountResolver, optional: true }],
    useFactory: (bound?: AccountResolver) => bound ?? new SubjectOnlyAccountResolver(),
  },
  SigningKeysService,
  ClientRegistryService,
  EnginePolicyService,
  ProviderHost,
  ExpiredRowsCleaner,
  AccessTokenVerifier,
];

/**
 * SMART on openEHR authorization server: one oidc-provider instance plus SMART policy,
 * discovery, persistence (TypeORM) and key management. The host provides a TypeORM
 * `DataSource` configured with `smartAuthDataSourceOptions()` and calls
 * `mountSmartAuthServer(app)` before `listen()`.
 */
@Module({
  controllers: [DiscoveryController, ...ADMIN_FEATURE.controllers],
  providers: [...providers, ...ADMIN_FEATURE.providers],
  exports: [
    SMART_AUTH_SERVER_OPTIONS,
    ProviderHost,
    SigningKeysService,
    ClientRegistryService,
    ExpiredRowsCleaner,
    AccessTokenVerifier,
  ],
})
export class SmartAuthServerModule extends SmartAuthServerModuleBase {}
