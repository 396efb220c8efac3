import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import {
  OwnRecordPatientDirectory,
  PatientDirectory,
  RoleBasedUserScopePolicy,
  UserScopePolicy,
} from './accounts/account.port.js';
import { ADMIN_FEATURE } from './admin/admin.feature.js';
import { CONSOLE_FEATURE } from './console/console.feature.js';
import { AuditTrailService } from './audit/audit-trail.service.js';
import type { SmartFeature } from './common/feature.types.js';
import { ClientRegistryService } from './clients/client-registry.service.js';
import { ClientChangeService } from './clients/client-change.service.js';
import { ClientSecretRotationService } from './clients/client-secret-rotation.service.js';
import { ClientSeedingService } from './clients/client-seeding.service.js';
import { ClientsService } from './clients/clients.service.js';
import { DiscoveryController } from './discovery/discovery.controller.js';
import { SmartConfigurationService } from './discovery/smart-configuration.service.js';
import { HEALTH_FEATURE } from './health/health.feature.js';
import { SmartAuthHealth } from './health/auth-health.port.js';
import { SmartMetricsRegistry } from './metrics/metrics-registry.port.js';
import { AppGrantsStore } from './grants/app-grants.store.js';
import { ConsentStoreService } from './grants/consent-store.service.js';
import { IDENTITY_SERVER_FEATURE } from './identity-server/identity-server.feature.js';
import { INTERACTION_FEATURE } from './interaction/interaction.feature.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import { LaunchService } from './launch/launch.service.js';
import { METRICS_FEATURE } from './metrics/metrics.feature.js';
import { SmartContextStore } from './launch/smart-context.store.js';
import { SmartAuthConfigError } from './options/auth-config.error.js';
import { resolveAuthServerOptions } from './options/auth-server-options.resolver.js';
import type { SmartAuthServerOptions } from './options/auth-server.options.js';
import { PERSISTENCE_PROVIDERS } from './persistence/persistence.providers.js';
import { ENGINE_PROVIDERS } from './provider/engine.providers.js';
import { REGISTRATION_FEATURE } from './registration/registration.feature.js';
import { REVOCATION_FEATURE } from './revocation/revocation.feature.js';
import { SmartAuthAdmin } from './admin/auth-admin.port.js';
import { SmartTokenRevocations } from './revocation/token-revocations.port.js';
import { SECURITY_FEATURE } from './security/security.feature.js';
import { PATIENTS, SMART_AUTH_SERVER_OPTIONS, USER_SCOPES } from './smart-auth-server.constants.js';
import {
  SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE,
  SMART_AUTH_SERVER_MOUNT_PATH,
  SMART_AUTH_SERVER_OPTIONS_TYPE,
  SMART_AUTH_SERVER_RAW_OPTIONS,
  SmartAuthServerModuleBase,
} from './smart-auth-server.module-definition.js';
import { TOKENS_FEATURE } from './tokens/tokens.feature.js';
import { TrustedIssuerService } from './trusted-issuers/trusted-issuer.service.js';

/** The options, resolved once; the host's ports, or their defaults when it binds none. */
const CONFIGURATION: SmartFeature = {
  providers: [
    {
      provide: SMART_AUTH_SERVER_OPTIONS,
      inject: [SMART_AUTH_SERVER_RAW_OPTIONS, SMART_AUTH_SERVER_MOUNT_PATH],
      useFactory: (raw: SmartAuthServerOptions, mountPath: string | undefined) => {
        // The routes were fixed by the static mount path; options from a factory cannot move them.
        const fixed = mountPath ?? '';
        if (raw.mountPath !== undefined && raw.mountPath !== fixed) {
          throw new SmartAuthConfigError(
            'mountPath',
            'is static: give it to forRoot/forRootAsync, not from the options factory',
          );
        }
        return resolveAuthServerOptions({ ...raw, mountPath: fixed });
      },
    },
    {
      provide: PATIENTS,
      inject: [{ token: PatientDirectory, optional: true }],
      useFactory: (bound?: PatientDirectory) => bound ?? new OwnRecordPatientDirectory(),
    },
    {
      provide: USER_SCOPES,
      inject: [{ token: UserScopePolicy, optional: true }],
      useFactory: (bound?: UserScopePolicy) => bound ?? new RoleBasedUserScopePolicy(),
    },
  ],
};

/** The domain services between the HTTP surfaces and storage. */
const DOMAIN: SmartFeature = {
  controllers: [DiscoveryController],
  providers: [
    SmartConfigurationService,
    ClientRegistryService,
    ClientChangeService,
    ClientsService,
    ClientSecretRotationService,
    ClientSeedingService,
    SigningKeysService,
    TrustedIssuerService,
    LaunchService,
    SmartContextStore,
    ConsentStoreService,
    AppGrantsStore,
    AuditTrailService,
  ],
};

const FEATURES: readonly SmartFeature[] = [
  CONFIGURATION,
  METRICS_FEATURE,
  { providers: PERSISTENCE_PROVIDERS },
  DOMAIN,
  REVOCATION_FEATURE,
  SECURITY_FEATURE,
  { providers: ENGINE_PROVIDERS },
  TOKENS_FEATURE,
  IDENTITY_SERVER_FEATURE,
  INTERACTION_FEATURE,
  ADMIN_FEATURE,
  CONSOLE_FEATURE,
  REGISTRATION_FEATURE,
  HEALTH_FEATURE,
];

/**
 * SMART on openEHR authorization server: one oidc-provider instance plus SMART policy,
 * discovery, persistence (TypeORM) and key management. The host provides a TypeORM
 * `DataSource` configured with `smartAuthDataSourceOptions()` and calls
 * `mountSmartAuthServer(app)` before `listen()`.
 */
@Module({
  controllers: FEATURES.flatMap((feature) => feature.controllers ?? []),
  providers: FEATURES.flatMap((feature): Provider[] => feature.providers),
  // What a host may inject: the public ports (the rest stays inside the module).
  exports: [SmartAuthAdmin, SmartTokenRevocations, SmartAuthHealth, SmartMetricsRegistry],
})
export class SmartAuthServerModule {
  static forRoot(options: typeof SMART_AUTH_SERVER_OPTIONS_TYPE): DynamicModule {
    return mounted(SmartAuthServerModuleBase.forRoot(options), options.mountPath);
  }

  static forRootAsync(options: typeof SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE): DynamicModule {
    return mounted(SmartAuthServerModuleBase.forRootAsync(options), options.mountPath);
  }
}

/** The module's controllers under `mountPath` (Nest's RouterModule; nothing when at the root). */
function mounted(definition: DynamicModule, mountPath: string | undefined): DynamicModule {
  const imports = [...(definition.imports ?? [])];
  if (mountPath) {
    imports.push(RouterModule.register([{ path: mountPath, module: SmartAuthServerModule }]));
  }
  return { ...definition, module: SmartAuthServerModule, imports };
}
