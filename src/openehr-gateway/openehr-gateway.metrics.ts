import { Injectable, Optional } from '@nestjs/common';
import { SmartMetricsRegistry } from '@smart-openehr/auth-server';
import type { ServerResponse } from 'node:http';
import { Histogram } from 'prom-client';

const NAME = 'openehr_gateway_request_duration_seconds';

/**
 * The gateway's requests in the auth server's metrics registry (`SmartMetricsRegistry`), when
 * metrics are on: time from the gateway taking a request (after its bearer token was accepted)
 * to the last byte of the answer, by openEHR operation and status class.
 */
@Injectable()
export class OpenEhrGatewayMetrics {
  private readonly durations: Histogram<'operation' | 'status_class'> | undefined;

  constructor(@Optional() metrics?: SmartMetricsRegistry) {
    const registry = metrics?.registry;
    if (!registry) return;
    this.durations =
      (registry.getSingleMetric(NAME) as Histogram<'operation' | 'status_class'> | undefined) ??
      new Histogram({
        name: NAME,
        help: 'Time to answer a gateway request, by openEHR operation (`none` when refused before one was resolved) and status class.',
        labelNames: ['operation', 'status_class'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      });
  }

  /** Times `response` until it is sent; `operation()` is read then (the resolved operation). */
  watch(response: ServerResponse, operation: () => string | undefined): void {
    const durations = this.durations;
    if (!durations) return;
    const started = process.hrtime.bigint();
    response.once('close', () => {
      const status = response.statusCode;
      durations.observe(
        {
          operation: operation() ?? 'none',
          status_class: `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`,
        },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
  }
}
