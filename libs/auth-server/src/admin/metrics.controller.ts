import { Controller, Get, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { OAuthError } from '../errors/oauth.error.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { ApiOperation, ApiTags } from './openapi.decorators.js';
import { AdminErrorFilter } from './admin-error.filter.js';
import { AdminScopes } from './admin-scopes.decorator.js';

/**
 * Prometheus scrape endpoint (`metrics.enabled`): behind the admin API's bearer tokens, so it is
 * never part of the public OAuth surface (Prometheus fetches the token itself, README "Metrics").
 * A scraper needs only `metrics:read`, which opens nothing else.
 */
@ApiTags('metrics')
@Controller(`${ROUTE_SEGMENTS.admin}/metrics`)
@AdminScopes('admin', 'metrics:read')
@UseFilters(AdminErrorFilter)
export class MetricsController {
  constructor(private readonly metrics: SmartAuthMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Metrics in the Prometheus text format (404 when metrics are off)' })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    const exposition = await this.metrics.exposition();
    if (!exposition) throw OAuthError.notFound('metrics are not enabled');
    res.set({ 'Content-Type': exposition.contentType, 'Cache-Control': 'no-store' });
    return exposition.text;
  }
}
