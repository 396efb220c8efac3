import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import {
  SigningKeyRepository,
  type SigningKeyRecord,
} from '../persistence/repositories/signing-key.repository.js';
import type { SmartSigningKeyInfo } from './signing-key-info.types.js';
import { KeyCipher } from './key.cipher.js';
import { TOKEN_SIGNING_ALGS, type SmartSigningAlg } from '../vocabulary/signing-alg.types.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { generateCookieSecret, generateSigningJwk, type PrivateJwk } from './key.generator.js';

/** The keys an engine instance is built with. */
export interface KeyMaterial {
  /** Private JWKs; for each algorithm the key that signs comes first. */
  jwks: PrivateJwk[];
  /** Cookie-signing secrets, newest first. */
  cookieKeys: string[];
  /** Changes whenever the published set or the signing order changes. */
  fingerprint: string;
}

const COOKIE = 'cookie';
const num = (v: number | null): number => v ?? 0;

/**
 * Signing keys generated on first start, stored in the database (encrypted at rest when a secret
 * is configured), shared by every instance. Rotation publishes a new key before it signs and
 * retires the old one after the longest token lifetime.
 * @see https://github.com/panva/node-oidc-provider/tree/main/docs#jwks (rotation procedure)
 */
@Injectable()
export class SigningKeysService {
  private readonly cipher: KeyCipher;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly keys: SigningKeyRepository,
    private readonly metrics: SmartAuthMetrics,
  ) {
    this.cipher = new KeyCipher(options.keyEncryptionSecret);
  }

  /** The longest lifetime of anything signed: old keys stay published at least this long. */
  get maxTokenLifetimeMs(): number {
    const ttls = [
      ...Object.values(this.options.accessTokenTtlSeconds),
      this.options.backendAccessTokenTtlSeconds,
      3600, // id_token
    ];
    return Math.max(...ttls) * 1000;
  }

  /** Creates missing keys, encrypts clear-text rows when a secret is set, and loads the set. */
  async ensureKeys(): Promise<KeyMaterial> {
    const rows = await this.keys.list();
    const now = Date.now();
    for (const alg of [...TOKEN_SIGNING_ALGS, COOKIE]) {
      if (!rows.some((r) => r.alg === alg && (r.retireAt === null || num(r.retireAt) > now))) {
        rows.push(await this.insertKey(alg as SmartSigningAlg | typeof COOKIE, now));
      }
    }
    if (this.cipher.enabled) {
      for (const row of rows.filter((r) => !KeyCipher.isEncrypted(r.material))) {
        row.material = this.cipher.seal(row.material);
        await this.keys.updateMaterial(row.kid, row.material);
      }
    }
    return this.toMaterial(rows, now);
  }

  /** Reads the current set (every instance calls this periodically). */
  async load(): Promise<KeyMaterial> {
    return this.toMaterial(await this.keys.list(), Date.now());
  }

  /**
   * Starts a rotation: new keys are published now and sign after `publishDelayMs` (every instance
   * has re-read the keys by then); the current keys retire after the longest token lifetime.
   */
  async rotate(publishDelayMs = this.options.keyRefreshIntervalSeconds * 2000): Promise<string[]> {
    const now = Date.now();
    const activateAt = now + publishDelayMs;
    const current = await this.keys.list();
    const kids: string[] = [];
    for (const alg of [...TOKEN_SIGNING_ALGS, COOKIE] as const) {
      kids.push((await this.insertKey(alg, activateAt)).kid);
    }
    for (const row of current.filter((r) => r.retireAt === null)) {
      const retireAt =
        activateAt +
        (row.alg === COOKIE ? this.options.sessionTtlSeconds * 1000 : this.maxTokenLifetimeMs);
      await this.keys.retire(row.kid, retireAt);
    }
    return kids;
  }

  /** The live token-signing keys (no cookie secrets, no material), by algorithm, newest first. */
  async describe(now = Date.now()): Promise<SmartSigningKeyInfo[]> {
    const rows = (await this.keys.list()).filter(
      (r) => r.alg !== COOKIE && (r.retireAt === null || num(r.retireAt) > now),
    );
    rows.sort((a, b) => a.alg.localeCompare(b.alg) || b.activateAt - a.activateAt);
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      state: r.retireAt !== null ? 'retiring' : r.activateAt > now ? 'pending' : 'active',
      createdAt: r.createdAt,
      activateAt: r.activateAt,
      retireAt: r.retireAt,
    }));
  }

  private async insertKey(
    alg: SmartSigningAlg | typeof COOKIE,
    activateAt: number,
  ): Promise<SigningKeyRecord> {
    const material =
      alg === COOKIE ? generateCookieSecret() : JSON.stringify(await generateSigningJwk(alg));
    const kid =
      alg === COOKIE ? `cookie-${material.slice(0, 12)}` : (JSON.parse(material) as PrivateJwk).kid;
    const row: SigningKeyRecord = {
      kid,
      alg,
      material: this.cipher.seal(material),
      createdAt: Date.now(),
      activateAt,
      retireAt: null,
    };
    await this.keys.insert(row);
    return row;
  }

  private toMaterial(rows: SigningKeyRecord[], now: number): KeyMaterial {
    const live = rows.filter((r) => r.retireAt === null || num(r.retireAt) > now);
    const active = (r: SigningKeyRecord) => num(r.activateAt) <= now;
    // Active keys first (newest activation first), then published-not-yet-active keys.
    const ordered = [...live].sort(
      (a, b) =>
        Number(active(b)) - Number(active(a)) ||
        num(b.activateAt) - num(a.activateAt) ||
        a.kid.localeCompare(b.kid),
    );
    const cookieRows = ordered.filter((r) => r.alg === COOKIE && active(r));
    const keyRows = ordered.filter((r) => r.alg !== COOKIE);
    // The first active key of each algorithm signs: its age is what rotation alerts watch.
    const signing = new Map<string, number>();
    for (const r of keyRows) {
      if (active(r) && !signing.has(r.alg)) signing.set(r.alg, num(r.activateAt));
    }
    this.metrics.activeSigningKeys(signing);
    return {
      jwks: keyRows.map((r) => JSON.parse(this.cipher.open(r.material)) as PrivateJwk),
      cookieKeys: cookieRows.map((r) => this.cipher.open(r.material)),
      fingerprint: ordered.map((r) => `${r.kid}:${active(r) ? 'a' : 'p'}`).join(','),
    };
  }
}
