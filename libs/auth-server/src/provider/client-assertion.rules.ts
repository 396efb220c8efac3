import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';

/** SMART: the assertion expires at most five minutes ahead. */
const MAX_LIFETIME_SECONDS = 300;
/** Key-location headers that would let the assertion bring its own key. */
const FORBIDDEN_HEADERS = ['jwk', 'x5u', 'x5c'];

interface AssertionClient {
  clientId: string;
  jwksUri?: string;
  jwks?: { keys?: unknown[] };
}

const fail = (rule: string): never => {
  throw new errors.InvalidClientAuth(rule);
};

/**
 * The SMART Backend Services rules oidc-provider does not check itself (it checks `iss`,
 * `aud`, signature, `alg`, `exp` presence and `jti` replay).
 * @see https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html#authenticating-to-the-token-endpoint
 * @see https://datatracker.ietf.org/doc/html/rfc7523#section-3
 */
export function assertSmartClientAssertion(
  _ctx: KoaContextWithOIDC,
  claims: Record<string, unknown>,
  header: Record<string, unknown>,
  client: AssertionClient,
): void {
  const now = Math.floor(Date.now() / 1000);
  if (claims.sub !== client.clientId) fail('sub (JWT subject) must be the client_id');
  // Audience injection (draft-ietf-oauth-rfc7523bis): one audience, this server's.
  if (Array.isArray(claims.aud) && claims.aud.length !== 1) fail('aud must be a single value');
  if (typeof claims.exp !== 'number') fail('exp must be a number');
  if ((claims.exp as number) > now + MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS) {
    fail('exp must be at most 5 minutes in the future');
  }
  for (const claim of ['iat', 'nbf']) {
    const value = claims[claim];
    if (
      value !== undefined &&
      (typeof value !== 'number' || value > now + ASSERTION_CLOCK_SKEW_SECONDS)
    ) {
      fail(`${claim} must not be in the future`);
    }
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (header[name] !== undefined) fail(`the ${name} header is not accepted`);
  }
  if (header.jku !== undefined && header.jku !== client.jwksUri) {
    fail('jku must equal the registered jwks_uri');
  }
  const keyCount = client.jwks?.keys?.length ?? 0;
  if (header.kid === undefined && (client.jwksUri !== undefined || keyCount > 1)) {
    fail('kid is required to select the key');
  }
}
