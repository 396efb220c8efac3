import {
  All,
  Controller,
  Inject,
  Req,
  Res,
  UseFilters,
  UseGuards,
  type Type,
} from '@nestjs/common';
import { BearerTokenErrorFilter, SmartJwtAuthGuard } from '@smart-openehr/resource-server';
import type { Request, Response } from 'express';
import { OpenEhrGatewayErrorFilter } from './openehr-gateway-error.filter.js';
import { OpenEhrGatewayService } from './openehr-gateway.service.js';
import { UpstreamConfiguredGuard } from './upstream-configured.guard.js';

/**
 * The gateway controller for one base path (routes are static metadata, so the class is made per
 * `forRoot`). Guards: CDR configured (503), bearer token valid (401); the service checks scopes
 * (403) and forwards.
 */
export function createOpenEhrGatewayController(basePath: string): Type<unknown> {
  @Controller(basePath)
  @UseGuards(UpstreamConfiguredGuard, SmartJwtAuthGuard)
  @UseFilters(BearerTokenErrorFilter, OpenEhrGatewayErrorFilter)
  class OpenEhrGatewayController {
    constructor(@Inject(OpenEhrGatewayService) private readonly gateway: OpenEhrGatewayService) {}

    @All('*path')
    forward(@Req() request: Request, @Res() response: Response): Promise<void> {
      return this.gateway.handle(request, response);
    }
  }
  return OpenEhrGatewayController;
}
