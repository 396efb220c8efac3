import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { OidcPayloadRepository } from '../persistence/repositories/oidc-payload.repository.js';
import { toEngineError } from './provider-adapter.js';

type Unique = (iss: string, jti: string, exp: number) => Promise<boolean>;

/**
 * Makes the engine's `ReplayDetection.unique(iss, jti, exp)` (client assertions, DPoP proofs,
 * JWT-bearer grants) one atomic insert-if-absent instead of a read followed by a write: one round
 * trip instead of two, and of concurrent uses of one `jti` exactly one wins, each loser getting
 * the engine's own error for its kind of proof.
 */
export function installAtomicReplayDetection(
  provider: Provider,
  payloads: OidcPayloadRepository,
): void {
  const records = payloads.forModel('ReplayDetection');
  const unique: Unique = async (iss, jti, exp) => {
    const id = createHash('sha256').update(`${iss}${jti}`).digest('base64url');
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000));
    try {
      return await records.insertOnce(id, { iss, jti: id }, ttl);
    } catch (err) {
      throw toEngineError(err);
    }
  };
  (provider.ReplayDetection as unknown as { unique: Unique }).unique = unique;
}
