/** Injection token of the resolved options ({@link ResolvedSmartResourceServerOptions}). */
export const SMART_RESOURCE_SERVER_OPTIONS = Symbol('SMART_RESOURCE_SERVER_OPTIONS');

/** Metadata key written by `@RequireOpenEhr()`. */
export const REQUIRE_OPENEHR_METADATA = 'smart-openehr:require-openehr';

/** Metadata key written by `@OpenEhrApi()`. */
export const OPENEHR_API_METADATA = 'smart-openehr:openehr-api';

/** Passport strategy name of {@link SmartJwtStrategy}. */
export const SMART_JWT_STRATEGY_NAME = 'smart-jwt';
