/** Injection token of the resolved gateway options. */
export const OPENEHR_GATEWAY_OPTIONS = Symbol('OPENEHR_GATEWAY_OPTIONS');

/** Injection token of the raw options returned by `forRootAsync`'s factory. */
export const OPENEHR_GATEWAY_RAW_OPTIONS = Symbol('OPENEHR_GATEWAY_RAW_OPTIONS');

/** Env variable named in the 503 answer when no CDR is configured (the app maps it to `upstreamUrl`). */
export const UPSTREAM_URL_ENV = 'SMART_OPENEHR_UPSTREAM_URL';
