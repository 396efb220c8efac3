import { Module, type DynamicModule, type Provider as NestProvider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ADMIN_FEATURE } from './admin/admin.feature.js';
import { SECURITY_FEATURE } from './security/security.feature.js';
import { SmartAuthAdmin } from './admin/auth-admin.port.js';
import { SmartAuthAdminService } from './admin/auth-admin.service.js';
import {
  AccountResolver,
  OwnRecordPatientDirectory,
  PatientDirectory,
  RoleBasedUserScopePolicy,
  SubjectOnlyAccountResolver,
  UserScopePolicy,
} from './accounts/account.port.js';
import { withExternalAccounts } from './accounts/account-resolver.composite.js';
import { ConsentStoreService } from './interaction/consent-store.service.js';
import { ExternalLoginService } from './interaction/external-login.service.js';
import { InteractionController } from './interaction/interaction.controller.js';
import { AccountAppsController } from './interaction/account-apps.controller.js';
import { AccountAppsService } from './interaction/account-apps.service.js';
import { AccountLoginBinding } from './interaction/account-login.binding.js';
import { AccountLoginController } from './interaction/account-login.controller.js';
import { AppGrantsStore } from './interaction/app-grants.store.js';
import { InteractionFlowService } from './interaction/interaction-flow.service.js';
import { InteractionLoginService } from './interaction/interaction-login.service.js';
import { InteractionStepsService } from './interaction/interaction-steps.service.js';
import { ClientRegistryService } from './clients/client-registry.service.js';
import { DiscoveryController } from './discovery/discovery.controller.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import { resolveAuthServerOptions } from './options/auth-server-options.resolver.js';
import type { SmartAuthServerOptions } from './options/auth-server.options.js';
import { ExpiredRowsCleaner } from './persistence/expired-rows.cleaner.js';
import { PERSISTENCE_PROVIDERS } from './persistence/persistence.providers.js';
import { EnginePolicyService } from './provider/engine-policy.service.js';
import { ENGINE_PROVIDERS } from './provider/engine.providers.js';
import {
  ACCOUNTS,
  PATIENTS,
  SMART_AUTH_SERVER_OPTIONS,
  USER_SCOPES,
} from './smart-auth-server.constants.js';
import { AccessTokenVerifier } from './tokens/access-token.verifier.js';
import { TokenEndpointsController } from './tokens/token-endpoints.controller.js';
import { UserinfoController } from './tokens/userinfo.controller.js';
import { TokenRegistryService } from './provider/token-registry.service.js';
import { TrustedIssuerService } from './trusted-issuers/trusted-issuer.service.js';
import { LaunchService } from './launch/launch.service.js';
import { LaunchController } from './launch/launch.controller.js';
import { TrustedIssuersController } from './trusted-issuers/trusted-issuers.controller.js';
import { KeysController } from './keys/keys.controller.js';
import { SmartContextStore } from './launch/smart-context.store.js';
import { ChangeNoticesService } from './persistence/change-notices.service.js';
import { RevocationListService } from './revocation/revocation-list.service.js';
import { SmartTokenRevocations } from './revocation/token-revocations.port.js';
import { RevocationFeedController } from './revocation/revocation-feed.controller.js';
import {
  SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE,
  SMART_AUTH_SERVER_OPTIONS_TYPE,
  SMART_AUTH_SERVER_MOUNT_PATH,
  SMART_AUTH_SERVER_RAW_OPTIONS,
  SmartAuthServerModuleBase,
} from './smart-auth-server.module-definition.js';
import { SmartAuthConfigError } from './options/auth-config.error.js';

const providers: NestProvider[] = [
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
    provide: ACCOUNTS,
    inject: [ExternalLoginService, { token: AccountResolver, optional: true }],
    useFactory: (external: ExternalLoginService, bound?: AccountResolver) =>
      withExternalAccounts(external, bound ?? new SubjectOnlyAccountResolver()),
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
  ChangeNoticesService,
  RevocationListService,
  { provide: SmartTokenRevocations, useExisting: RevocationListService },
  ExternalLoginService,
  InteractionFlowService,
  InteractionStepsService,
  InteractionLoginService,
  ConsentStoreService,
  AppGrantsStore,
  AccountAppsService,
  AccountLoginBinding,
  SigningKeysService,
  ClientRegistryService,
  EnginePolicyService,
  ...ENGINE_PROVIDERS,
  ExpiredRowsCleaner,
  AccessTokenVerifier,
  TokenRegistryService,
  TrustedIssuerService,
  LaunchService,
  SmartContextStore,
  SmartAuthAdminService,
  { provide: SmartAuthAdmin, useExisting: SmartAuthAdminService },
];

/**
 * SMART on openEHR authorization server: one oidc-provider instance plus SMART policy,
 * discovery, persistence (TypeORM) and key management. The host provides a TypeORM
 * `DataSource` configured with `smartAuthDataSourceOptions()` and calls
 * `mountSmartAuthServer(app)` before `listen()`.
 */
@Module({
  controllers: [
    DiscoveryController,
    TokenEndpointsController,
    RevocationFeedController,
    UserinfoController,
    InteractionController,
    AccountAppsController,
    AccountLoginController,
    LaunchController,
    TrustedIssuersController,
    KeysController,
    ...ADMIN_FEATURE.controllers,
  ],
  providers: [
    ...PERSISTENCE_PROVIDERS,
    ...providers,
    ...ADMIN_FEATURE.providers,
    ...SECURITY_FEATURE.providers,
  ],
  // What a host may inject: the public ports (the rest stays inside the module).
  exports: [SmartAuthAdmin, SmartTokenRevocations],
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
