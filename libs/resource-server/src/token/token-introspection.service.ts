import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type {
  ResolvedIntrospectionOptions,
  ResolvedSmartResourceServerOptions,
} from '../smart-resource-server.options.js';
import { fetchJsonObject } from './json.fetcher.js';
import { toSmartTokenContext } from './smart-token-context.factory.js';
import type { SmartTokenContext } from './smart-token-context.types.js';

/** Most cached introspection results; the oldest entries go first. */
const CACHE_LIMIT = 10_000;

function basicCredentials({ clientId, clientSecret }: ResolvedIntrospectionOptions): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * RFC 7662 introspection for opaque bearer tokens (`client_secret_basic`). Only `active: true`
 * responses for bearer access tokens (`token_type` Bearer; refresh tokens have none) from our issuer,
 * for our audience and not expired are accepted. Positive results are cached, keyed by the token's
 * SHA-256, until min(`exp`, `introspectionCacheMaxAgeSeconds`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @see https://hl7.org/fhir/smart-app-launch/token-introspection.html
 */
@Injectable()
export class TokenIntrospectionService {
  private readonly cache = new Map<string, { context: SmartTokenContext; until: number }>();

  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
  ) {}

  /** Whether introspection is configured. */
  get enabled(): boolean {
    return this.options.introspection !== undefined;
  }

  /**
   * @throws BearerTokenError `invalid_token` for inactive or unsuitable tokens.
   * @throws TokenVerificationUnavailableError when the endpoint fails.
   */
  async introspect(token: string): Promise<SmartTokenContext> {
    const config = this.options.introspection;
    if (config === undefined) throw BearerTokenError.invalidToken('the access token is not a JWT');
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined && cached.until > Date.now()) return cached.context;
    this.cache.delete(cacheKey);

    const response = await fetchJsonObject(
      config.endpoint,
      {
        method: 'POST',
        headers: {
          authorization: basicCredentials(config),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      },
      this.options.httpTimeoutMs,
    );
    const context = this.accept(response, config);
    this.remember(cacheKey, context);
    return context;
  }

  private accept(
    response: Record<string, unknown>,
    config: ResolvedIntrospectionOptions,
  ): SmartTokenContext {
    if (response['active'] !== true)
      throw BearerTokenError.invalidToken('the access token is not active');
    const tokenType = response['token_type'];
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw BearerTokenError.invalidToken('the token is not a bearer access token');
    }
    if (response['iss'] !== undefined && response['iss'] !== this.options.issuer) {
      throw BearerTokenError.invalidToken('the access token was issued by another issuer');
    }
    const aud = response['aud'];
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    const forUs = audiences.some((entry) => this.options.audience.includes(entry as string));
    if ((aud !== undefined || config.requireAudience) && !forUs) {
      throw BearerTokenError.invalidToken('the access token is meant for another audience');
    }
    const context = toSmartTokenContext(response, 'introspection');
    if (context.expiresAt.getTime() + this.options.clockToleranceSeconds * 1000 <= Date.now()) {
      throw BearerTokenError.invalidToken('the access token has expired');
    }
    return context;
  }

  private remember(cacheKey: string, context: SmartTokenContext): void {
    const until = Math.min(
      context.expiresAt.getTime(),
      Date.now() + this.options.introspectionCacheMaxAgeSeconds * 1000,
    );
    if (until <= Date.now()) return;
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(cacheKey, { context, until });
  }
}
