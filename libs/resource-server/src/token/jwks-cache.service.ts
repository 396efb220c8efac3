import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { TokenVerificationUnavailableError } from '../errors/token-verification-unavailable.error.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type {
  JwsAlgorithm,
  ResolvedSmartResourceServerOptions,
} from '../smart-resource-server.options.js';
import { fetchJsonObject } from './json.fetcher.js';

/** A verification key from the issuer's JWKS. */
export interface VerificationKey {
  kid: string | undefined;
  kty: 'RSA' | 'EC';
  crv: string | undefined;
  alg: string | undefined;
  use: string | undefined;
  key: KeyObject;
}

const CURVE_OF: Partial<Record<JwsAlgorithm, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};
/** After a failed load with nothing cached, further loads wait this long (milliseconds). */
const FAILURE_BACKOFF_MS = 1000;

function fits(key: VerificationKey, alg: JwsAlgorithm): boolean {
  if (key.alg !== undefined && key.alg !== alg) return false;
  if (key.use !== undefined && key.use !== 'sig') return false;
  const curve = CURVE_OF[alg];
  return curve === undefined ? key.kty === 'RSA' : key.kty === 'EC' && key.crv === curve;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Imports one public JWK; `undefined` for symmetric, unknown, weak or broken keys. */
function importJwk(jwk: Record<string, unknown>): VerificationKey | undefined {
  const kty = jwk['kty'];
  if (kty !== 'RSA' && kty !== 'EC') return undefined;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    return {
      kid: str(jwk['kid']),
      kty,
      crv: str(jwk['crv']),
      alg: str(jwk['alg']),
      use: str(jwk['use']),
      key,
    };
  } catch {
    return undefined;
  }
}

/**
 * The issuer's signing keys: fetched lazily (JWKS URL configured or discovered from the issuer's
 * OpenID configuration), kept for `jwksCacheMaxAgeSeconds`, refetched when a token names an unknown
 * `kid` (at most once per `jwksRefetchCooldownSeconds`), concurrent loads coalesced. A stale JWKS
 * keeps being used while the issuer is unreachable.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys
 */
@Injectable()
export class JwksCacheService {
  private readonly logger = new Logger('SmartResourceServer');
  private keys: readonly VerificationKey[] = [];
  private nextRefreshAt = Number.NEGATIVE_INFINITY;
  private lastMissRefetchAt = Number.NEGATIVE_INFINITY;
  private discoveredJwksUri: string | undefined;
  private inflight: Promise<void> | undefined;
  private failure: { until: number; error: Error } | undefined;
  private generation = 0;

  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
  ) {}

  /**
   * The key that verifies a token with this header.
   *
   * @throws BearerTokenError `invalid_token` when no published key fits `kid` and `alg`.
   * @throws TokenVerificationUnavailableError when the keys cannot be fetched.
   */
  async keyFor(header: { alg: JwsAlgorithm; kid: string | undefined }): Promise<VerificationKey> {
    let refreshed = false;
    if (Date.now() >= this.nextRefreshAt) refreshed = await this.refreshKeepingStale();
    let key = this.select(header);
    const cooldownMs = this.options.jwksRefetchCooldownSeconds * 1000;
    if (
      key === undefined &&
      !refreshed &&
      header.kid !== undefined &&
      Date.now() - this.lastMissRefetchAt >= cooldownMs
    ) {
      this.lastMissRefetchAt = Date.now();
      await this.refresh();
      key = this.select(header);
    }
    if (key === undefined) {
      throw BearerTokenError.invalidToken('no published signing key matches the access token');
    }
    return key;
  }

  /**
   * Counts successful JWKS fetches; `undefined` while no JWKS is loaded or the loaded one is due
   * for a refetch. What was verified against one generation is trusted only during it.
   */
  currentGeneration(): number | undefined {
    return this.keys.length > 0 && Date.now() < this.nextRefreshAt ? this.generation : undefined;
  }

  private select(header: {
    alg: JwsAlgorithm;
    kid: string | undefined;
  }): VerificationKey | undefined {
    const candidates = this.keys.filter((key) => fits(key, header.alg));
    if (header.kid !== undefined) return candidates.find((key) => key.kid === header.kid);
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** Refreshes; with keys already cached a failure is logged and the stale keys stay in use. */
  private async refreshKeepingStale(): Promise<boolean> {
    try {
      await this.refresh();
      return true;
    } catch (error) {
      if (this.keys.length === 0) throw error;
      this.logger.warn(`JWKS refresh failed, using cached keys: ${(error as Error).message}`);
      this.nextRefreshAt =
        Date.now() + Math.max(this.options.jwksRefetchCooldownSeconds * 1000, FAILURE_BACKOFF_MS);
      return false;
    }
  }

  private refresh(): Promise<void> {
    if (this.failure !== undefined && Date.now() < this.failure.until) {
      return Promise.reject(this.failure.error);
    }
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    try {
      const uri = await this.jwksUri();
      const document = await fetchJsonObject(uri, {}, this.options.httpTimeoutMs).catch(
        (error: unknown) => {
          this.discoveredJwksUri = undefined;
          throw error;
        },
      );
      const list = document['keys'];
      if (!Array.isArray(list)) throw new TokenVerificationUnavailableError(`${uri} is not a JWKS`);
      this.keys = Object.freeze(
        list.flatMap((jwk: unknown) =>
          jwk !== null && typeof jwk === 'object'
            ? (importJwk(jwk as Record<string, unknown>) ?? [])
            : [],
        ),
      );
      this.nextRefreshAt = Date.now() + this.options.jwksCacheMaxAgeSeconds * 1000;
      this.generation += 1;
      this.failure = undefined;
    } catch (error) {
      this.failure = {
        until: Date.now() + FAILURE_BACKOFF_MS,
        error: error instanceof Error ? error : new Error(String(error)),
      };
      this.logger.error(`cannot load the issuer's JWKS: ${(error as Error).message}`);
      throw error;
    }
  }

  private async jwksUri(): Promise<string> {
    if (this.options.jwksUri !== undefined) return this.options.jwksUri;
    if (this.discoveredJwksUri !== undefined) return this.discoveredJwksUri;
    const url = this.options.discoveryUrl;
    const metadata = await fetchJsonObject(url, {}, this.options.httpTimeoutMs);
    if (metadata['issuer'] !== this.options.issuer) {
      throw new TokenVerificationUnavailableError(`${url} names another issuer`);
    }
    const uri = metadata['jwks_uri'];
    if (typeof uri !== 'string' || !URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
      throw new TokenVerificationUnavailableError(`${url} has no usable jwks_uri`);
    }
    this.discoveredJwksUri = uri;
    return uri;
  }
}
