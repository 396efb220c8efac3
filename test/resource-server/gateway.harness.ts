import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { SmartResourceServerOptions } from '@smart-openehr/resource-server';
import {
  OpenEhrGatewayModule,
  type OpenEhrGatewayOptions,
} from '../../src/openehr-gateway/index.js';
import type { FakeIssuer } from './fake-issuer.js';

export const BASE = '/openehr/rest/v1';
export const AUDIENCE = 'https://platform.example/openehr/rest/v1';
export const UPSTREAM_AUTHORIZATION = 'Basic dXBzdHJlYW06c2VjcmV0';

export type GatewayOverrides = Partial<Omit<OpenEhrGatewayOptions, 'resourceServer'>> & {
  resourceServer?: Partial<SmartResourceServerOptions>;
};

/** Boots a Nest app with only the gateway module (logger off). */
export async function startGateway(
  issuer: FakeIssuer,
  overrides: GatewayOverrides = {},
  appOptions: NestApplicationOptions = {},
): Promise<INestApplication> {
  const { resourceServer, ...gateway } = overrides;
  const moduleRef = await Test.createTestingModule({
    imports: [
      OpenEhrGatewayModule.forRoot({
        basePath: BASE,
        upstreamAuthorization: UPSTREAM_AUTHORIZATION,
        ...gateway,
        resourceServer: { issuer: issuer.issuer, audience: AUDIENCE, ...resourceServer },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false, ...appOptions });
  await app.init();
  return app;
}
