import { ExpiringCache } from '../common/expiring.cache.js';

/** Sessions whose last stored content is remembered (about 1 KB each). */
const MAX_REMEMBERED_SESSIONS = 5000;

/**
 * A re-save is skipped while the stored session still has at least this share of the lifetime
 * the new save would give it: the rolling expiry moves in steps of a tenth of the session TTL.
 */
const FRESH_SHARE = 0.9;

/** JSON with every object's keys sorted: the engine writes the same session in varying order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What a session payload holds besides its timestamps. */
function contentOf(payload: Record<string, unknown>): string {
  const { iat: _iat, exp: _exp, ...content } = payload;
  return canonicalJson(content);
}

/**
 * The engine saves the session at the end of every request that read it (its rolling expiry):
 * one write per authorization of a signed-in user even when nothing changed. This remembers each
 * session as last read or written and lets a save through only when its content changed (a
 * login, a new app, a logout's state) or when the stored expiry has fallen below 90 % of the
 * lifetime the save would give. Skipping never loses a change, and a session another instance
 * changed or ended meanwhile is neither overwritten nor brought back by an unchanged save.
 */
export class SessionResaveRules {
  private readonly stored = new ExpiringCache<{ content: string; exp: number }>(
    MAX_REMEMBERED_SESSIONS,
  );

  /** Notes a session as found in storage (or just saved), until its expiry. */
  remember(id: string, payload: Record<string, unknown>): void {
    const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
    if (exp === undefined) return void this.stored.delete(id);
    this.stored.set(id, { content: contentOf(payload), exp }, exp * 1000);
  }

  /** Whether saving `payload` for `expiresIn` seconds writes anything worth a round trip. */
  needsSave(
    id: string,
    payload: Record<string, unknown>,
    expiresIn: number | undefined,
    now = Date.now(),
  ): boolean {
    const known = this.stored.get(id, now);
    if (!known || expiresIn === undefined) return true;
    const left = known.exp - now / 1000;
    return left < FRESH_SHARE * expiresIn || known.content !== contentOf(payload);
  }

  forget(id: string): void {
    this.stored.delete(id);
  }
}
