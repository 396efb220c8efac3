// Scenario 7: a small Nest app protected by the resource-server library (@smart-openehr/resource-server, built).
// BENCH_SERVER_CONFIG (JSON): { mode: 'library' | 'gateway', issuer, audience, jwks, upstreamUrl,
// resourceServer (extra SmartResourceServerModule options), revocation (boolean) }.
// - revocation: a TokenRevocationChecker like the reference platform's (the auth server's
//   in-memory RevocationSet, with 1,000 revoked jtis and 100 revoked clients and subjects that
//   are not the bench token's), provided in the module of the guarded controller.
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

/** The revocation check of the reference platform, over the auth server's own data structure. */
async function revocationProviders() {
  if (!config.revocation) return [];
  const rs = await import('@smart-openehr/resource-server');
  const { RevocationSet } =
    await import('../../libs/auth-server/dist/revocation/revocation.set.js');
  const { jtiDigest } = await import('../../libs/auth-server/dist/revocation/revocation.types.js');
  const set = new RevocationSet();
  const until = Date.now() + 3_600_000;
  const before = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 1000; i += 1) {
    set.add({
      kind: 'jti',
      target: jtiDigest(`revoked-${i}`),
      issuedBefore: null,
      expiresAt: until,
    });
  }
  for (let i = 0; i < 100; i += 1) {
    set.add({ kind: 'client', target: `client-${i}`, issuedBefore: before, expiresAt: until });
    set.add({ kind: 'subject', target: `user-${i}`, issuedBefore: before, expiresAt: until });
  }
  const syncedAt = Date.now();
  class BenchRevocationChecker extends rs.TokenRevocationChecker {
    isRevoked(token) {
      if (Date.now() - syncedAt > 86_400_000) throw new Error('stale');
      return set.has(token.claims);
    }
  }
  return [{ provide: rs.TokenRevocationChecker, useClass: BenchRevocationChecker }];
}

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
    providers: await revocationProviders(),
  })(BenchRsModule);
  return BenchRsModule;
}

async function gatewayModule() {
  const { OpenEhrGatewayModule } = await import('../../dist/src/openehr-gateway/index.js');
  const [checker] = await revocationProviders();
  class BenchGatewayModule {}
  Module({
    imports: [
      OpenEhrGatewayModule.forRoot({
        basePath: '/openehr/rest/v1',
        upstreamUrl: config.upstreamUrl,
        compositionTemplateLookup: 'none',
        resourceServer,
        ...(checker ? { revocationChecker: checker.useClass } : {}),
      }),
    ],
  })(BenchGatewayModule);
  return BenchGatewayModule;
}

const root = config.mode === 'gateway' ? await gatewayModule() : await libraryModule();
const app = await NestFactory.create(root, { logger: ['error', 'warn'] });
await app.listen(port, '127.0.0.1');
