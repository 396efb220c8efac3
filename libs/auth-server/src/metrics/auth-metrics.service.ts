import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  ResolvedSmartAuthServerOptions,
  SmartClientType,
} from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { GRANT_TYPES } from '../vocabulary/grant-type.types.js';
import { SmartMetricsRegistry } from './metrics-registry.port.js';
import type {
  ConsentDecision,
  JwksSource,
  LaunchOutcome,
  QueryOperation,
  LoginOutcome,
  MeasuredEndpoint,
  RateLimitName,
  RevocationCause,
} from './metric-label.types.js';

/** Seconds: from a cached discovery document (sub-millisecond) to a slow database (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: from an in-process SQLite read (microseconds) to a slow database. */
const QUERY_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** OAuth error codes are snake_case words; anything else is counted as `other`. */
const ERROR_CODE = /^[a-z_]{1,40}$/;

/** A connection pool's counts, read at scrape time. */
export interface PoolCounts {
  inUse: number;
  idle: number;
  waiting: number;
}

/** The instruments, created only when metrics are enabled. */
function instruments(registry: Registry, clientLabels: boolean) {
  const registers = [registry];
  /** Epoch ms each algorithm's signing key became active (read at scrape time). */
  const activeKeys = new Map<string, number>();
  const pool: { read?: () => PoolCounts | undefined } = {};
  return {
    activeKeys,
    pool,
    poolClients: new Gauge({
      name: 'smart_auth_db_pool_clients',
      help: 'PostgreSQL pool connections by state (in_use, idle) and requests waiting for one.',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const counts = pool.read?.();
        if (!counts) return;
        this.set({ state: 'in_use' }, counts.inUse);
        this.set({ state: 'idle' }, counts.idle);
        this.set({ state: 'waiting' }, counts.waiting);
      },
    }),
    keyAge: new Gauge({
      name: 'smart_auth_signing_key_age_seconds',
      help: 'Age of the signing key in use, per algorithm, since it became active.',
      labelNames: ['alg'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const [alg, since] of activeKeys) this.set({ alg }, Math.max(0, now - since) / 1000);
      },
    }),
    tokens: new Counter({
      name: 'smart_auth_tokens_issued_total',
      help: 'Access tokens issued by the token endpoint, by grant type and client type.',
      labelNames: clientLabels
        ? ['grant_type', 'client_type', 'client_id']
        : ['grant_type', 'client_type'],
      registers,
    }),
    errors: new Counter({
      name: 'smart_auth_oauth_errors_total',
      help: 'OAuth error responses, by endpoint and `error` code.',
      labelNames: ['endpoint', 'error'],
      registers,
    }),
    durations: new Histogram({
      name: 'smart_auth_request_duration_seconds',
      help: 'Time to answer a request, by endpoint and status class (2xx, 3xx, 4xx, 5xx).',
      labelNames: ['endpoint', 'status_class'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    rateLimits: new Counter({
      name: 'smart_auth_rate_limit_refusals_total',
      help: 'Requests refused with 429, by the limit that applied.',
      labelNames: ['limit'],
      registers,
    }),
    revocations: new Counter({
      name: 'smart_auth_revocations_total',
      help: 'Entries written to the revocation list, by cause.',
      labelNames: ['cause'],
      registers,
    }),
    launches: new Counter({
      name: 'smart_auth_launches_total',
      help: 'EHR launch handles created, used, and refused (expired or otherwise invalid).',
      labelNames: ['outcome'],
      registers,
    }),
    logins: new Counter({
      name: 'smart_auth_logins_total',
      help: 'Password logins, by outcome (success, failure, locked by the throttle).',
      labelNames: ['outcome'],
      registers,
    }),
    consents: new Counter({
      name: 'smart_auth_consent_decisions_total',
      help: 'Answers on the consent page (allow, deny).',
      labelNames: ['decision'],
      registers,
    }),
    jwks: new Counter({
      name: 'smart_auth_jwks_fetches_total',
      help: "Remote key sets fetched (clients' jwks_uri, trusted issuers), by source and outcome.",
      labelNames: ['source', 'outcome'],
      registers,
    }),
    queries: new Histogram({
      name: 'smart_auth_storage_query_duration_seconds',
      help: 'Time the database took to answer a query, by SQL operation.',
      labelNames: ['operation'],
      buckets: QUERY_BUCKETS,
      registers,
    }),
    queryErrors: new Counter({
      name: 'smart_auth_storage_query_errors_total',
      help: 'Queries the database refused or could not answer, by SQL operation.',
      labelNames: ['operation'],
      registers,
    }),
    cleanup: new Counter({
      name: 'smart_auth_cleanup_rows_deleted_total',
      help: 'Expired rows the cleanup job deleted (codes, tokens, sessions, launches, revocations, keys).',
      registers,
    }),
  };
}

/**
 * The auth server's Prometheus metrics: one registry per module instance (never prom-client's
 * global one, so two modules in one process, or a host with its own metrics, do not clash), and
 * one small method per event. When metrics are disabled nothing is created and every method
 * returns at its first check.
 */
@Injectable()
export class SmartAuthMetrics implements SmartMetricsRegistry {
  /** The registry the instruments are in, for a host's own (public port: SmartMetricsRegistry). */
  readonly registry: Registry | undefined;
  private readonly on: ReturnType<typeof instruments> | undefined;
  private readonly clientLabels: boolean;

  constructor(@Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions) {
    this.clientLabels = options.metrics.clientLabels;
    if (!options.metrics.enabled) return;
    this.registry = new Registry();
    collectDefaultMetrics({ register: this.registry });
    this.on = instruments(this.registry, this.clientLabels);
  }

  get enabled(): boolean {
    return this.on !== undefined;
  }

  /** The Prometheus text exposition and its content type (undefined when disabled). */
  async exposition(): Promise<{ contentType: string; text: string } | undefined> {
    if (!this.registry) return undefined;
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  tokenIssued(
    grantType: string | undefined,
    clientType: SmartClientType | undefined,
    clientId?: string,
  ): void {
    if (!this.on) return;
    const labels: Record<string, string> = {
      grant_type: (GRANT_TYPES as readonly (string | undefined)[]).includes(grantType)
        ? (grantType as string)
        : 'other',
      client_type: clientType ?? 'unknown',
    };
    if (this.clientLabels) labels.client_id = clientId ?? 'unknown';
    this.on.tokens.inc(labels);
  }

  oauthError(endpoint: MeasuredEndpoint, code: string): void {
    this.on?.errors.inc({ endpoint, error: ERROR_CODE.test(code) ? code : 'other' });
  }

  /** A start time for {@link requestDone} (0 when disabled: no clock read). */
  startTimer(): bigint {
    return this.on ? process.hrtime.bigint() : 0n;
  }

  requestDone(endpoint: MeasuredEndpoint, status: number, started: bigint): void {
    if (!this.on) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const statusClass = `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
    this.on.durations.observe({ endpoint, status_class: statusClass }, seconds);
  }

  rateLimited(limit: RateLimitName): void {
    this.on?.rateLimits.inc({ limit });
  }

  revoked(cause: RevocationCause, count = 1): void {
    if (count > 0) this.on?.revocations.inc({ cause }, count);
  }

  launch(outcome: LaunchOutcome): void {
    this.on?.launches.inc({ outcome });
  }

  login(outcome: LoginOutcome): void {
    this.on?.logins.inc({ outcome });
  }

  consent(decision: ConsentDecision): void {
    this.on?.consents.inc({ decision });
  }

  /** The signing keys in use: when each algorithm's key became active (epoch ms). */
  activeSigningKeys(activeSince: ReadonlyMap<string, number>): void {
    if (!this.on) return;
    this.on.activeKeys.clear();
    for (const [alg, since] of activeSince) this.on.activeKeys.set(alg, since);
  }

  jwksFetched(source: JwksSource, ok: boolean): void {
    this.on?.jwks.inc({ source, outcome: ok ? 'success' : 'failure' });
  }

  /** Where to read the PostgreSQL pool's counts at scrape time. */
  watchPool(read: () => PoolCounts | undefined): void {
    if (this.on) this.on.pool.read = read;
  }

  /** A query answered after `milliseconds`, or failed (`milliseconds` undefined). */
  storageQuery(operation: QueryOperation, milliseconds: number | undefined): void {
    if (!this.on) return;
    if (milliseconds === undefined) this.on.queryErrors.inc({ operation });
    else this.on.queries.observe({ operation }, milliseconds / 1000);
  }

  cleanedUp(rows: number): void {
    if (rows > 0) this.on?.cleanup.inc(rows);
  }
}
