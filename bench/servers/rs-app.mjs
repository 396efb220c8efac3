// Scenario 7: a small Nest app protected by the resource-server library (dist/libs/resource-server).
// BENCH_SERVER_CONFIG (JSON): { mode: 'library' | 'gateway', issuer, audience, jwks, upstreamUrl,
// resourceServer (extra SmartResourceServerModule options) }.
// - library: SmartResourceServerModule + a controller with @OpenEhrApi() serving
//   GET /openehr/rest/v1/ehr/:ehr_id/composition/:uid (composition.read → needs composition-*.r).
// - gateway: the reference platform's OpenEhrGatewayModule (dist/src/openehr-gateway) forwarding
//   to a fake CDR at `upstreamUrl` (served by the bench runner).
// The issuer's JWKS is served by this process on a second port (fetched once, then cached).
import 'reflect-metadata';
import { createServer } from 'node:http';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
const port = Number(process.env.PORT);

const jwksServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(config.jwks));
});
await new Promise((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
const jwksUri = `http://127.0.0.1:${jwksServer.address().port}/jwks`;
const resourceServer = {
  issuer: config.issuer,
  audience: config.audience,
  jwksUri,
  ...config.resourceServer,
};

async function libraryModule() {
  const rs = await import('@smart-openehr/resource-server');
  class BenchEhrController {
    read(ehrId, uid, token) {
      return { ehr_id: ehrId, uid, client_id: token.clientId };
    }
  }
  const proto = BenchEhrController.prototype;
  Controller('openehr/rest/v1')(BenchEhrController);
  rs.OpenEhrApi({ basePath: '/openehr/rest/v1' })(BenchEhrController);
  Get('ehr/:ehr_id/composition/:uid')(
    proto,
    'read',
    Object.getOwnPropertyDescriptor(proto, 'read'),
  );
  Param('ehr_id')(proto, 'read', 0);
  Param('uid')(proto, 'read', 1);
  rs.SmartContext()(proto, 'read', 2);
  class BenchRsModule {}
  Module({
    imports: [rs.SmartResourceServerModule.forRoot(resourceServer)],
    controllers: [BenchEhrController],
  })(BenchRsModule);
  return BenchRsModule;
}

async function gatewayModule() {
  const { OpenEhrGatewayModule } = await import('../../dist/src/openehr-gateway/index.js');
  class BenchGatewayModule {}
  Module({
    imports: [
      OpenEhrGatewayModule.forRoot({
        basePath: '/openehr/rest/v1',
        upstreamUrl: config.upstreamUrl,
        compositionTemplateLookup: 'none',
        resourceServer,
      }),
    ],
  })(BenchGatewayModule);
  return BenchGatewayModule;
}

const root = config.mode === 'gateway' ? await gatewayModule() : await libraryModule();
const app = await NestFactory.create(root, { logger: ['error', 'warn'] });
await app.listen(port, '127.0.0.1');
