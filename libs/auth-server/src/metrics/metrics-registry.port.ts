import type { Registry } from 'prom-client';

/**
 * The Prometheus registry the auth server's metrics live in, for a host that wants its own
 * instruments served beside them (at `{mountPath}/admin/metrics` and on the metrics port).
 * `registry` is undefined while metrics are off: a host then creates nothing.
 * Injected like the other public ports: `constructor(private readonly metrics: SmartMetricsRegistry)`.
 */
export abstract class SmartMetricsRegistry {
  abstract readonly registry: Registry | undefined;
}
