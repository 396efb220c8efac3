import { jtiDigest, type RevocableClaims } from './revocation.types.js';
import type { Revocation } from '../persistence/records/revocation.record.js';

/** Digests of the `jti`s of claim objects seen (a resource server hands the same object again). */
const digests = new WeakMap<object, string>();

function digestOf(claims: RevocableClaims, jti: string): string {
  let digest = digests.get(claims);
  if (digest === undefined) {
    digest = jtiDigest(jti);
    digests.set(claims, digest);
  }
  return digest;
}

interface Cutoff {
  issuedBefore: number;
  expiresAt: number;
}

/**
 * The revocation list in memory: a token is revoked when its `jti` is listed, or when its client
 * or subject was revoked at or after its `iat`. Every lookup is a map read (the `jti` is hashed
 * only while some `jti` is listed, once per claims object). Entries are dropped once they have
 * expired.
 */
export class RevocationSet {
  private readonly jtis = new Map<string, number>();
  private readonly clients = new Map<string, Cutoff>();
  private readonly subjects = new Map<string, Cutoff>();

  get size(): number {
    return this.jtis.size + this.clients.size + this.subjects.size;
  }

  add(entry: Revocation): void {
    if (entry.kind === 'jti') {
      this.jtis.set(entry.target, Math.max(entry.expiresAt, this.jtis.get(entry.target) ?? 0));
      return;
    }
    const map = entry.kind === 'client' ? this.clients : this.subjects;
    const known = map.get(entry.target);
    map.set(entry.target, {
      issuedBefore: Math.max(entry.issuedBefore ?? 0, known?.issuedBefore ?? 0),
      expiresAt: Math.max(entry.expiresAt, known?.expiresAt ?? 0),
    });
  }

  /** Whether the token with these claims is revoked (a token without `iat` counts as old). */
  has(claims: RevocableClaims, now = Date.now()): boolean {
    if (this.jtis.size > 0 && typeof claims.jti === 'string') {
      const until = this.jtis.get(digestOf(claims, claims.jti));
      if (until !== undefined && until > now) return true;
    }
    const iat = typeof claims.iat === 'number' ? claims.iat : 0;
    return (
      cutOff(this.clients, claims.client_id, iat, now) ||
      cutOff(this.subjects, claims.sub, iat, now)
    );
  }

  /** Drops expired entries. */
  prune(now = Date.now()): void {
    for (const [key, until] of this.jtis) if (until <= now) this.jtis.delete(key);
    for (const map of [this.clients, this.subjects]) {
      for (const [key, cut] of map) if (cut.expiresAt <= now) map.delete(key);
    }
  }

  clear(): void {
    this.jtis.clear();
    this.clients.clear();
    this.subjects.clear();
  }
}

function cutOff(map: Map<string, Cutoff>, key: unknown, iat: number, now: number): boolean {
  if (map.size === 0 || typeof key !== 'string') return false;
  const cut = map.get(key);
  return cut !== undefined && cut.expiresAt > now && iat <= cut.issuedBefore;
}
