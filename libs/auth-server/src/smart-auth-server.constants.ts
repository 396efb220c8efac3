/** Resolved `SmartAuthServerOptions` (no optional fields). */
export const SMART_AUTH_SERVER_OPTIONS = Symbol('SMART_AUTH_SERVER_OPTIONS');

/**
 * Internal tokens for the ports as resolved: the host's binding (through `imports`) or our default.
 * The module never declares the port classes themselves, so a host binding is always seen.
 */
export const ACCOUNTS = Symbol('SMART_ACCOUNTS');
export const PATIENTS = Symbol('SMART_PATIENT_DIRECTORY');
export const USER_SCOPES = Symbol('SMART_USER_SCOPE_POLICY');
