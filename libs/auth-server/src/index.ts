/**
 * SMART on openEHR authorization server for NestJS: a module over node-oidc-provider with SMART
 * scopes, launch context, login, consent, picker, an admin API and TypeORM persistence.
 *
 * The public API is what this file exports; everything else is internal and may change in any
 * release (see the package README's semver policy).
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @packageDocumentation
 */

// The module and how a host mounts it.
export { SmartAuthServerModule } from './smart-auth-server.module.js';
export {
  SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE,
  SMART_AUTH_SERVER_OPTIONS_TYPE,
  type SmartAuthServerModuleExtras,
} from './smart-auth-server.module-definition.js';
export {
  mountSmartAuthServer,
  type SmartAuthServerMountOptions,
} from './smart-auth-server.mount.js';
export type { DocumentAnswerHook } from './discovery/documents-ahead.responder.js';

// Options.
export {
  SMART_AUTH_SERVER_DEFAULTS,
  type SmartAuthServerOptions,
  type SmartBrandingOptions,
  type SmartConsoleOptions,
  type SmartClientType,
  type SmartLaunchOptions,
  type SmartMetricsOptions,
  type SmartRegistrationOptions,
  type SmartServiceDescription,
  type SmartSigningAlg,
} from './options/auth-server.options.js';
export {
  EXTERNAL_LOGIN_DEFAULTS,
  type SmartExternalAdminOptions,
  type SmartExternalClaimsOptions,
  type SmartExternalLoginOptions,
  type SmartExternalRolesOptions,
} from './options/external-login.options.js';
export type {
  SmartEndpointLimits,
  SmartLoginThrottleOptions,
  SmartRateLimitOptions,
  SmartSecurityEventsOptions,
  SmartSecurityHeadersOptions,
} from './options/security.options.js';
export type { SmartPageFrame, SmartPageTemplate } from './pages/page.branding.js';
export type { SecurityEvent, SecurityEventType } from './security/security-event.types.js';

// Ports the host implements (accounts, the built-in login, the patient picker, user scopes).
export {
  AccountResolver,
  CredentialsVerifier,
  OwnRecordPatientDirectory,
  PatientDirectory,
  RoleBasedUserScopePolicy,
  SubjectOnlyAccountResolver,
  UserScopePolicy,
  type PatientRecord,
  type SmartAccountClaims,
} from './accounts/account.port.js';

// What the admin API does, for the host's own code.
export {
  SmartAuthAdmin,
  type SmartClientQuery,
  type SmartPage,
  type SmartTrustedIssuerInput,
} from './admin/auth-admin.port.js';
export type { SmartSigningKeyInfo } from './keys/signing-key-info.types.js';
export type { TrustedIssuer } from './persistence/records/trusted-issuer.record.js';
export type { SmartAdminActor } from './audit/audit.types.js';
export type { SmartSeedClient } from './options/seed-client.types.js';
export { ClientViewDto } from './admin/dto/client-view.dto.js';
export { IssuedClientViewDto } from './admin/dto/issued-client-view.dto.js';
export type { ClientStatus, SmartClientMetadata } from './clients/client.types.js';
export type { AuditEvent, AuditQuery } from './audit/audit.types.js';
export type { SmartLaunchContext } from './vocabulary/launch-context.types.js';

// Revocation, for a resource server in the same process.
export {
  SmartTokenRevocations,
  type SmartRevocableClaims,
} from './revocation/token-revocations.port.js';

// Readiness, for the host's own health endpoint.
export {
  SmartAuthHealth,
  type SmartAuthHealthReport,
  type SmartHealthCheck,
  type SmartHealthCheckName,
} from './health/auth-health.port.js';

// Metrics: the registry, for a host's own instruments.
export { SmartMetricsRegistry } from './metrics/metrics-registry.port.js';

// Storage: the host's TypeORM DataSource includes these.
export {
  SMART_AUTH_ENTITIES,
  SMART_AUTH_MIGRATIONS,
  smartAuthDataSourceOptions,
  type SmartDatabaseSettings,
} from './persistence/typeorm-options.factory.js';
export {
  smartAuthNamingStrategy,
  type SmartAuthNamingStrategy,
  type SmartNamingStrategyOptions,
} from './persistence/smart-auth-naming.strategy.js';

// Errors a host may catch.
export { SmartAuthConfigError } from './options/auth-config.error.js';
export { OAuthError } from './errors/oauth.error.js';
export { ClientMetadataError } from './errors/client-metadata.error.js';
export { DatabaseUnavailableError } from './errors/database-unavailable.error.js';
