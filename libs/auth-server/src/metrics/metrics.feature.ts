import type { SmartFeature } from '../common/feature.types.js';
import { SmartAuthMetrics } from './auth-metrics.service.js';
import { EndpointInterceptor } from './endpoint.interceptor.js';
import { MetricsPortServer } from './metrics-port.server.js';
import { SmartMetricsRegistry } from './metrics-registry.port.js';

/**
 * Prometheus metrics: the recorder every folder reports to (served by the admin API and, with
 * `metrics.port`, by a listener of its own), and its registry as a public port for the host.
 */
export const METRICS_FEATURE: SmartFeature = {
  providers: [
    SmartAuthMetrics,
    { provide: SmartMetricsRegistry, useExisting: SmartAuthMetrics },
    EndpointInterceptor,
    MetricsPortServer,
  ],
};
