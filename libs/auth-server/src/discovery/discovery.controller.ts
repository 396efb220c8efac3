import { Controller, Get, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { Observed } from '../metrics/endpoint.interceptor.js';
import { SmartConfigurationService } from './smart-configuration.service.js';

/**
 * `/.well-known/smart-configuration` for the spellings Express routes here that the middleware of
 * `SmartConfigurationService` leaves (trailing slash, other letter case): the same bytes, headers
 * and ETag.
 */
@Controller(ROUTE_SEGMENTS.wellKnown)
export class DiscoveryController {
  constructor(private readonly document: SmartConfigurationService) {}

  @Get('smart-configuration')
  @Observed('discovery')
  smartConfiguration(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.document.respond(req, res);
  }
}
