import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { TokenVerificationUnavailableError } from '../errors/token-verification-unavailable.error.js';
import { TokenRevocationChecker } from '../smart-resource-server.ports.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type {
  ResolvedRevocationFeedOptions,
  ResolvedSmartResourceServerOptions,
} from '../smart-resource-server.options.js';
import { fetchJsonObject } from './json.fetcher.js';
import type { SmartTokenContext } from './smart-token-context.types.js';

interface Cutoff {
  issuedBefore: number;
  until: number;
}

/** Most pages read in one poll (1,000 entries each). */
const MAX_PAGES_PER_POLL = 100;

/** `jti` digests per claims object (a verified token's context is handed out again). */
const digests = new WeakMap<object, string>();
function digestOf(claims: object, jti: string): string {
  let value = digests.get(claims);
  if (value === undefined) {
    value = createHash('sha256').update(jti).digest('base64url');
    digests.set(claims, value);
  }
  return value;
}

function basicCredentials({ clientId, clientSecret }: ResolvedRevocationFeedOptions): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * Keeps a copy of the issuer's revocation feed (`revocationFeed` option) and refuses the tokens
 * it names: polled every `pollIntervalSeconds` from the last cursor (incremental), entries
 * dropped when they expire. Entries: `jti` (SHA-256 of the token's `jti`), `client` / `subject`
 * (every token of that `client_id` / `sub` with `iat` up to `issued_before`). When the feed could
 * not be read for `maxStalenessSeconds`, {@link isRevoked} throws
 * `TokenVerificationUnavailableError` (503): the resource server fails closed.
 */
@Injectable()
export class RevocationFeedService
  extends TokenRevocationChecker
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger('RevocationFeed');
  private readonly jtis = new Map<string, number>();
  private readonly clients = new Map<string, Cutoff>();
  private readonly subjects = new Map<string, Cutoff>();
  private cursor = '0';
  private polledAt = 0;
  private polling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
  ) {
    super();
  }

  /** Whether the feed is configured. */
  get enabled(): boolean {
    return this.options.revocationFeed !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const feed = this.options.revocationFeed;
    if (!feed) return;
    await this.pollQuietly();
    this.timer = setInterval(() => void this.pollQuietly(), feed.pollIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * @throws TokenVerificationUnavailableError when the feed is older than `maxStalenessSeconds`.
   */
  isRevoked(token: SmartTokenContext): boolean {
    const feed = this.options.revocationFeed;
    if (!feed) return false;
    const now = Date.now();
    if (now - this.polledAt > feed.maxStalenessSeconds * 1000) {
      throw new TokenVerificationUnavailableError('the revocation feed could not be read');
    }
    const { jti, client_id: clientId, sub, iat } = token.claims;
    if (this.jtis.size > 0 && typeof jti === 'string') {
      const until = this.jtis.get(digestOf(token.claims, jti));
      if (until !== undefined && until > now) return true;
    }
    const issuedAt = typeof iat === 'number' ? iat : 0;
    return (
      cutOff(this.clients, clientId, issuedAt, now) || cutOff(this.subjects, sub, issuedAt, now)
    );
  }

  /** Reads the feed from the last cursor (one poll at a time). */
  poll(): Promise<void> {
    this.polling ??= this.readNew().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async readNew(): Promise<void> {
    const feed = this.options.revocationFeed!;
    const started = Date.now();
    for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
      const url = new URL(feed.endpoint);
      url.searchParams.set('since', this.cursor);
      const body = await fetchJsonObject(
        url.href,
        { headers: { authorization: basicCredentials(feed) } },
        this.options.httpTimeoutMs,
      );
      if (!Array.isArray(body['items']) || typeof body['cursor'] !== 'string') {
        throw new TokenVerificationUnavailableError(`${feed.endpoint} did not answer a feed page`);
      }
      for (const item of body['items'] as unknown[]) this.add(item);
      this.cursor = body['cursor'];
      if (body['has_more'] !== true) break;
    }
    this.polledAt = started;
    this.prune(started);
  }

  private add(item: unknown): void {
    const e = item as Record<string, unknown> | null;
    if (!e || typeof e['target'] !== 'string' || typeof e['expires_at'] !== 'number') return;
    const until = e['expires_at'] * 1000;
    if (e['kind'] === 'jti') {
      this.jtis.set(e['target'], Math.max(until, this.jtis.get(e['target']) ?? 0));
      return;
    }
    const map =
      e['kind'] === 'client' ? this.clients : e['kind'] === 'subject' ? this.subjects : undefined;
    if (!map || typeof e['issued_before'] !== 'number') return;
    const known = map.get(e['target']);
    map.set(e['target'], {
      issuedBefore: Math.max(e['issued_before'], known?.issuedBefore ?? 0),
      until: Math.max(until, known?.until ?? 0),
    });
  }

  private prune(now: number): void {
    for (const [key, until] of this.jtis) if (until <= now) this.jtis.delete(key);
    for (const map of [this.clients, this.subjects]) {
      for (const [key, cut] of map) if (cut.until <= now) map.delete(key);
    }
  }

  private async pollQuietly(): Promise<void> {
    try {
      await this.poll();
      if (this.failing) this.logger.log('revocation feed read again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn(`revocation feed failed: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}

function cutOff(map: Map<string, Cutoff>, key: unknown, iat: number, now: number): boolean {
  if (map.size === 0 || typeof key !== 'string') return false;
  const cut = map.get(key);
  return cut !== undefined && cut.until > now && iat <= cut.issuedBefore;
}
