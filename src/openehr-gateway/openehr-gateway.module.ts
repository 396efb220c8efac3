import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { SmartResourceServerModule, TokenRevocationChecker } from '@smart-openehr/resource-server';
import { OpenEhrGatewayErrorFilter } from './openehr-gateway-error.filter.js';
import {
  OPENEHR_GATEWAY_OPTIONS,
  OPENEHR_GATEWAY_RAW_OPTIONS,
} from './openehr-gateway.constants.js';
import { createOpenEhrGatewayController } from './openehr-gateway.controller.js';
import {
  normaliseBasePath,
  resolveOpenEhrGatewayOptions,
  type OpenEhrGatewayAsyncOptions,
  type OpenEhrGatewayOptions,
  type OpenEhrGatewaySettings,
} from './openehr-gateway.options.js';
import { OpenEhrGatewayMetrics } from './openehr-gateway.metrics.js';
import { OpenEhrGatewayService } from './openehr-gateway.service.js';
import { UpstreamConfiguredGuard } from './upstream-configured.guard.js';
import { UpstreamProxyService } from './upstream-proxy.service.js';

const services = [
  OpenEhrGatewayService,
  UpstreamProxyService,
  UpstreamConfiguredGuard,
  OpenEhrGatewayErrorFilter,
  OpenEhrGatewayMetrics,
];

/**
 * SMART on openEHR gateway of the reference platform: every request under `basePath` is
 * authenticated (bearer token, 401), mapped to an openEHR operation and checked against the
 * token's scopes (403, `patient/` bound to the token's EHR) and only then streamed to the CDR at
 * `upstreamUrl` with the platform's own credentials. Without `upstreamUrl` the routes answer 503.
 *
 * Body parsing: the gateway reads request streams itself. When the host's JSON parser has already
 * consumed a body, it forwards `req.rawBody` (create the app with `{ rawBody: true }` for
 * byte-exact forwarding) or re-serialises the parsed JSON.
 */
@Module({})
export class OpenEhrGatewayModule {
  static forRoot(options: OpenEhrGatewayOptions): DynamicModule {
    const resolved = resolveOpenEhrGatewayOptions(options);
    return this.build(
      resolved.basePath,
      SmartResourceServerModule.forRoot(options.resourceServer),
      [
        { provide: OPENEHR_GATEWAY_OPTIONS, useValue: resolved },
        ...revocationProviders(options.revocationChecker),
      ],
    );
  }

  static forRootAsync(options: OpenEhrGatewayAsyncOptions): DynamicModule {
    const basePath = normaliseBasePath(options.basePath);
    const inject = options.inject ?? [];
    const factory = options.useFactory as (
      ...args: unknown[]
    ) => OpenEhrGatewaySettings | Promise<OpenEhrGatewaySettings>;
    const resourceServer = SmartResourceServerModule.forRootAsync({
      imports: options.imports ?? [],
      inject,
      useFactory: async (...args: unknown[]) => (await factory(...args)).resourceServer,
    });
    return this.build(
      basePath,
      resourceServer,
      [
        { provide: OPENEHR_GATEWAY_RAW_OPTIONS, inject, useFactory: factory },
        {
          provide: OPENEHR_GATEWAY_OPTIONS,
          inject: [OPENEHR_GATEWAY_RAW_OPTIONS],
          useFactory: (settings: OpenEhrGatewaySettings) =>
            resolveOpenEhrGatewayOptions({ ...settings, basePath }),
        },
        ...revocationProviders(options.revocationChecker),
      ],
      options.imports ?? [],
    );
  }

  private static build(
    basePath: string,
    resourceServer: DynamicModule,
    optionProviders: Provider[],
    imports: NonNullable<DynamicModule['imports']> = [],
  ): DynamicModule {
    return {
      module: OpenEhrGatewayModule,
      imports: [...imports, resourceServer],
      providers: [...optionProviders, ...services],
      controllers: [createOpenEhrGatewayController(basePath)],
    };
  }
}

function revocationProviders(checker: Type<TokenRevocationChecker> | undefined): Provider[] {
  return checker ? [{ provide: TokenRevocationChecker, useClass: checker }] : [];
}
