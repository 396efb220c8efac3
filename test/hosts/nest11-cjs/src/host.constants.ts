/** Injection token of the host's settings. */
export const HOST_CONFIG = Symbol('HOST_CONFIG');
