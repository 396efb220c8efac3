export { SmartAuthServerModule } from './smart-auth-server.module.js';
export { mountSmartAuthServer } from './smart-auth-server.mount.js';
export { SMART_AUTH_SERVER_OPTIONS } from './smart-auth-server.constants.js';
export {
  SMART_AUTH_SERVER_DEFAULTS,
  type ResolvedSmartAuthServerOptions,
  type SmartAuthServerOptions,
  type SmartClientType,
  type SmartServiceDescription,
  type SmartSigningAlg,
} from './options/auth-server.options.js';
export { resolveAuthServerOptions } from './options/auth-server-options.resolver.js';
export { SmartAuthConfigError } from './options/auth-config.error.js';
export {
  AccountResolver,
  SubjectOnlyAccountResolver,
  type SmartAccountClaims,
} from './accounts/account.port.js';
export {
  SMART_AUTH_ENTITIES,
  SMART_AUTH_MIGRATIONS,
  smartAuthDataSourceOptions,
  type SmartDatabaseSettings,
} from './persistence/typeorm-options.factory.js';
export { TypeOrmOidcAdapter } from './persistence/typeorm-oidc.adapter.js';
export { OidcPayloadEntity } from './persistence/oidc-payload.entity.js';
export {
  AlreadyConsumedError,
  DatabaseUnavailableError,
  ReplayDetectedError,
} from './persistence/persistence.errors.js';
export { ExpiredRowsCleaner } from './persistence/expired-rows.cleaner.js';
export { SigningKeysService } from './keys/signing-keys.service.js';
export { ProviderHost } from './provider/provider-host.service.js';
export { ClientRegistryService } from './clients/client-registry.service.js';
export { generateClientSecret, hashClientSecret } from './clients/client-secret.js';
export {
  clientTypeOf,
  type SmartClient,
  type SmartClientMetadata,
  type ClientStatus,
} from './clients/client.types.js';
export { OAuthError } from './errors/oauth.error.js';
export { OAuthErrorFilter } from './errors/oauth-error.filter.js';
export { AccessTokenVerifier, type AccessTokenClaims } from './tokens/access-token.verifier.js';
