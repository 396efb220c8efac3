import { errors } from 'oidc-provider';

/**
 * A code or refresh token that another request consumed first (our storage consumes
 * atomically). The engine answers it as its own `invalid_grant`; the class is the signal that
 * makes hooks/replay-revocation.hook.ts revoke the grant, as the engine does for a plain reuse.
 */
export class ConsumedTwiceError extends errors.InvalidGrant {
  constructor(what: 'authorization code' | 'refresh token') {
    super(`${what} already used`);
  }
}
