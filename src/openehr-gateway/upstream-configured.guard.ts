import { Inject, Injectable, type CanActivate } from '@nestjs/common';
import { OPENEHR_GATEWAY_OPTIONS } from './openehr-gateway.constants.js';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';
import type { ResolvedOpenEhrGatewayOptions } from './openehr-gateway.options.js';

/** Answers 503 before anything else (even before authentication) when no CDR is configured. */
@Injectable()
export class UpstreamConfiguredGuard implements CanActivate {
  constructor(
    @Inject(OPENEHR_GATEWAY_OPTIONS)
    private readonly options: ResolvedOpenEhrGatewayOptions,
  ) {}

  canActivate(): boolean {
    if (this.options.upstreamUrl === undefined) throw OpenEhrGatewayError.notConfigured();
    return true;
  }
}
