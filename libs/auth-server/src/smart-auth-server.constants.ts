/** Resolved `SmartAuthServerOptions` (no optional fields). */
export const SMART_AUTH_SERVER_OPTIONS = Symbol('SMART_AUTH_SERVER_OPTIONS');
