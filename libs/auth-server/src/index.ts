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
export { CLEANUP_BATCH_ROWS, ExpiredRowsCleaner } from './persistence/expired-rows.cleaner.js';
export { SigningKeysService } from './keys/signing-keys.service.js';
export { ProviderHost } from './provider/provider-host.service.js';
export { ClientRegistryService } from './clients/client-registry.service.js';
export { generateClientSecret, hashClientSecret } from './clients/client-secret.js';
export {
  ClientsService,
  type ClientActor,
  type CreateClientCommand,
  type EnsureClientCommand,
  type IssuedClient,
} from './clients/clients.service.js';
export { ClientMetadataError } from './clients/client-metadata.error.js';
export {
  validateClientMetadata,
  type ClientMetadataRules,
  type ValidatedClientMetadata,
} from './clients/client-metadata.validator.js';
export { CLIENT_CHANGE_CHANNEL } from './clients/client-change.listener.js';
export { AuditTrailService } from './audit/audit-trail.service.js';
export type { AuditEvent, AuditEventInput, AuditQuery } from './audit/audit.types.js';
export { AdminScopes } from './admin/admin-scopes.decorator.js';
export { AdminActor } from './admin/admin-actor.decorator.js';
export { AdminApiGuard } from './admin/admin-api.guard.js';
export { AdminErrorFilter } from './admin/admin-error.filter.js';
export { AdminValidationPipe } from './admin/admin-validation.pipe.js';
export { toClientView, type ClientViewDto } from './admin/dto/client-view.dto.js';
export {
  toIssuedClientView,
  type IssuedClientViewDto,
} from './admin/dto/issued-client-view.dto.js';
export {
  clientTypeOf,
  type SmartClient,
  type SmartClientMetadata,
  type ClientStatus,
} from './clients/client.types.js';
export { OAuthError } from './errors/oauth.error.js';
export { OAuthErrorFilter } from './errors/oauth-error.filter.js';
export { AccessTokenVerifier, type AccessTokenClaims } from './tokens/access-token.verifier.js';
export { TrustedIssuerService } from './trusted-issuers/trusted-issuer.service.js';
export type { TrustedIssuer } from './trusted-issuers/trusted-issuer.types.js';
export { TokenRegistryService } from './provider/token-registry.service.js';
export {
  CredentialsVerifier,
  OwnRecordPatientDirectory,
  PatientDirectory,
  RoleBasedUserScopePolicy,
  UserScopePolicy,
  type PatientRecord,
} from './accounts/account.port.js';
export { LaunchService } from './launch/launch.service.js';
export { SmartContextStore } from './launch/smart-context.store.js';
export type { SmartLaunchContext } from './launch/launch-context.types.js';
export type {
  SmartLaunchOptions,
  SmartExternalLoginOptions,
} from './options/auth-server.options.js';
export type {
  SmartEndpointLimits,
  SmartLoginThrottleOptions,
  SmartRateLimitOptions,
  SmartSecurityEventsOptions,
  SmartSecurityHeadersOptions,
} from './security/security.options.js';
export { RateLimiterService, type RateLimitDecision } from './security/rate-limiter.service.js';
export { LoginThrottleService, type LoginAttempt } from './security/login-throttle.service.js';
export { SecurityEventsService } from './security/security-events.service.js';
export { GrantAccessTokensService } from './security/grant-access-tokens.service.js';
export {
  REVOCATION_LIST_MAX_STALENESS_MS,
  RevocationListService,
  TOKEN_REVOCATION_CHANNEL,
} from './revocation/revocation-list.service.js';
export {
  jtiDigest,
  type RevocableClaims,
  type Revocation,
  type RevocationKind,
  type StoredRevocation,
} from './revocation/revocation.types.js';
export {
  UserRevocationService,
  type UserRevocationResult,
} from './revocation/user-revocation.service.js';
export { ChangeNoticesService } from './persistence/change-notices.service.js';
export { toFhirAuditEvent } from './security/fhir-audit-event.builder.js';
export type { SecurityEvent, SecurityEventType } from './security/security-event.types.js';
