/** The parts of the authorization server a readiness probe looks at. */
export type SmartHealthCheckName = 'storage' | 'signingKeys' | 'revocationList';

/** One part's state, with a short detail that is safe to show a load balancer (no secrets). */
export interface SmartHealthCheck {
  /** `down` when this part keeps the server from issuing or checking tokens correctly. */
  readonly status: 'up' | 'down';
  /** A short human-readable reason, e.g. `database unreachable`. */
  readonly detail: string;
}

/** What {@link SmartAuthHealth.check} found. */
export interface SmartAuthHealthReport {
  /** `up` when every check is up. */
  readonly status: 'up' | 'down';
  /** Each part by name: `storage`, `signingKeys`, `revocationList`. */
  readonly checks: Readonly<Record<SmartHealthCheckName, SmartHealthCheck>>;
}

/**
 * The authorization server's readiness, for the host's own health endpoint (the package serves
 * none: a host decides its paths, its format and what else it checks). Liveness needs nothing
 * from here; a host's readiness should fail while this reports `down`.
 * Injected like the other public ports: `constructor(private readonly auth: SmartAuthHealth)`.
 */
export abstract class SmartAuthHealth {
  /**
   * Storage answers (one trivial query, bounded by a timeout), the engine holds a signing key
   * for every algorithm it signs with, and the revocation list in memory is current. Never
   * rejects: a failing part is reported `down`.
   */
  abstract check(): Promise<SmartAuthHealthReport>;
}
