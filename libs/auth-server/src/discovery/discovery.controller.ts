import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { DISCOVERY_CACHE_CONTROL } from './discovery-metadata.builder.js';
import { buildSmartConfiguration } from './smart-configuration.builder.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { Observed } from '../metrics/endpoint.interceptor.js';

/**
 * `/.well-known/smart-configuration`: JSON whatever the `Accept` header, CORS open to any origin.
 * The document is the same for every request it answers (no `Vary` needed): URLs come from the
 * public URL, and requests for other hosts are refused before they get here.
 */
@Controller(ROUTE_SEGMENTS.wellKnown)
export class DiscoveryController {
  private readonly document: string;

  constructor(@Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions) {
    this.document = JSON.stringify(buildSmartConfiguration(options));
  }

  @Get('smart-configuration')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', DISCOVERY_CACHE_CONTROL)
  @Observed('discovery')
  smartConfiguration(): string {
    return this.document;
  }
}
