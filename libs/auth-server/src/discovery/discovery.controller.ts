import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { buildSmartConfiguration } from './smart-configuration.builder.js';

/** `/.well-known/smart-configuration`: JSON whatever the `Accept` header, CORS open to any origin. */
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {}

  @Get('smart-configuration')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', 'public, max-age=300')
  smartConfiguration(@Req() req: Request): string {
    const origin = `${req.protocol}://${req.host}`;
    return JSON.stringify(buildSmartConfiguration(this.options, origin));
  }
}
