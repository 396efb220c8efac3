import type { SmartFeature } from '../common/feature.types.js';
import { SmartAuthMetrics } from './auth-metrics.service.js';
import { MetricsInterceptor } from './metrics.interceptor.js';

/** Prometheus metrics: the recorder every folder reports to (served by the admin API). */
export const METRICS_FEATURE: SmartFeature = {
  providers: [SmartAuthMetrics, MetricsInterceptor],
};
