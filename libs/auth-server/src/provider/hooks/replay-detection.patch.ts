import { createHash } from 'node:crypto';
import Provider from 'oidc-provider';
import type { OidcPayloadRepository } from '../../persistence/repositories/oidc-payload.repository.js';
import { toEngineError } from '../engine-storage.adapter.js';
import { setProofReplayed } from './engine.state.js';

type Unique = (iss: string, jti: string, exp: number) => Promise<boolean>;

/**
 * Makes the engine's `ReplayDetection.unique(iss, jti, exp)` (client assertions, DPoP proofs,
 * JWT-bearer grants) one atomic insert-if-absent instead of a read followed by a write: one round
 * trip instead of two, and of concurrent uses of one `jti` exactly one wins, each loser getting
 * the engine's own error for its kind of proof. A monkey patch because the engine has no option
 * for it: its `ReplayDetection` model reads (`find`) and then writes (`upsert`) through the adapter.
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
      const inserted = await records.insertOnce(id, { iss, jti: id }, ttl);
      // The typed signal for hooks (an assertion replay is `assertion.replay`, not a failure).
      if (!inserted && Provider.ctx) setProofReplayed(Provider.ctx, jti);
      return inserted;
    } catch (err) {
      throw toEngineError(err);
    }
  };
  (provider.ReplayDetection as unknown as { unique: Unique }).unique = unique;
}
