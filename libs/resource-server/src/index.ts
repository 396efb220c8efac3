/**
 * SMART on openEHR resource server: protects an openEHR REST API with the access tokens of a
 * SMART on openEHR authorization server (JWT via JWKS, or opaque via introspection), maps openEHR
 * REST operations to the scopes that allow them and answers RFC 6750 errors.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @see https://www.rfc-editor.org/rfc/rfc6750
 * @see https://www.rfc-editor.org/rfc/rfc9068
 * @packageDocumentation
 */
export { SmartResourceServerModule } from './smart-resource-server.module.js';
export {
  SMART_RESOURCE_SERVER_ASYNC_OPTIONS_TYPE,
  SMART_RESOURCE_SERVER_OPTIONS_TYPE,
} from './smart-resource-server.module-definition.js';
export {
  resolveResourceServerOptions,
  SMART_RESOURCE_SERVER_DEFAULTS,
  SUPPORTED_JWS_ALGORITHMS,
} from './smart-resource-server.options.js';
export type {
  IntrospectionOptions,
  RevocationFeedOptions,
  ResolvedRevocationFeedOptions,
  JwsAlgorithm,
  PatientQueryPolicy,
  ResolvedIntrospectionOptions,
  ResolvedSmartResourceServerOptions,
  SmartResourceServerOptions,
} from './smart-resource-server.options.js';
export {
  SMART_JWT_STRATEGY_NAME,
  SMART_RESOURCE_SERVER_OPTIONS,
} from './smart-resource-server.constants.js';
export {
  CompositionTemplateResolver,
  TokenRevocationChecker,
} from './smart-resource-server.ports.js';
export { RevocationFeedService } from './token/revocation-feed.service.js';

export { BearerTokenError, type BearerErrorCode } from './errors/bearer-token.error.js';
export { BearerTokenErrorFilter } from './errors/bearer-token-error.filter.js';
export { SmartResourceServerConfigError } from './errors/resource-server-config.error.js';
export { TokenVerificationUnavailableError } from './errors/token-verification-unavailable.error.js';

export type { SmartTokenContext } from './token/smart-token-context.types.js';
export { extractBearerToken, type HasHeaders } from './token/bearer-token.extractor.js';
export { SmartJwtAuthGuard } from './guards/smart-jwt-auth.guard.js';
export { SmartScopesGuard } from './guards/smart-scopes.guard.js';

export { SmartContext } from './decorators/smart-context.decorator.js';
export { smartContextOf } from './token/smart-context.store.js';
export { InjectSmartResourceServerOptions } from './decorators/inject-smart-resource-server-options.decorator.js';
export { OpenEhrApi } from './decorators/openehr-api.decorator.js';
export { RequireOpenEhr } from './decorators/require-openehr.decorator.js';
export type { OpenEhrApiOptions, RequireOpenEhrOptions } from './openehr/openehr-route.types.js';
export {
  fromBody,
  fromCompositionTemplate,
  fromHeader,
  fromParam,
  fromQuery,
  fromStoredComposition,
  type ValueSource,
  type ValueSourceContext,
  type ValueSourceRequest,
} from './openehr/value-source.factories.js';

export { resolveOpenEhrOperation } from './openehr/openehr-operation.resolver.js';
export {
  assertOpenEhrAccess,
  isOpenEhrAccessPermitted,
  scopeHint,
  withCompositionTemplate,
  type OpenEhrAccessOptions,
  type OpenEhrAccessToken,
} from './openehr/openehr-access.policy.js';
export { isJsonContentType } from './openehr/request-values.reader.js';
export type {
  OpenEhrAccessNeed,
  OpenEhrOperationName,
  OpenEhrRequestHeaders,
  OpenEhrRequestQuery,
  ResolvedOpenEhrOperation,
} from './openehr/openehr-operation.types.js';
