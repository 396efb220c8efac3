import type { AddressInfo } from 'node:net';
import {
  Module,
  NotFoundException,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientMetadataError,
  mountSmartAuthServer,
  OAuthError,
  SmartAuthAdmin,
  SmartAuthConfigError,
  SmartAuthServerModule,
  type SmartSeedClient,
} from '@smart-openehr/auth-server';
import { jwksOf, makeKeyPair } from '../fixtures/keys.js';
import { hostTypeOrm } from '../fixtures/apps/host-config.module.js';
import { createTestStorage, settleFailedBoot, type TestStorage } from '../support/app.harness.js';

const BACKEND: SmartSeedClient = {
  clientId: 'host-backend',
  secret: 'host-backend-secret-0123456789',
  metadata: {
    client_name: 'Host backend',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'system/composition-*.rs',
  },
};

const PUBLIC_APP: SmartSeedClient = {
  clientId: 'host-app',
  metadata: {
    client_name: 'Host app',
    redirect_uris: ['https://app.example/callback'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    scope: 'launch openid fhirUser patient/composition-*.r',
  },
};

@Module({})
class SeedingHostModule {
  static register(storage: TestStorage, clients: readonly SmartSeedClient[]): DynamicModule {
    return {
      module: SeedingHostModule,
      imports: [
        hostTypeOrm({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir }),
        SmartAuthServerModule.forRoot({
          issuer: 'http://127.0.0.1',
          allowedHosts: ['127.0.0.1'], // any port: the test listens on a free one
          services: { 'org.openehr.rest': { baseUrl: 'http://127.0.0.1/openehr/rest/v1' } },
          clients,
        }),
      ],
    };
  }
}

async function boot(storage: TestStorage, clients: readonly SmartSeedClient[]) {
  const app = await NestFactory.create(SeedingHostModule.register(storage, clients), {
    logger: false,
    abortOnError: false,
  }).catch(async (err: unknown) => {
    await settleFailedBoot();
    throw err;
  });
  mountSmartAuthServer(app);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function backendToken(url: string, secret: string): Promise<number> {
  const res = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: basic(BACKEND.clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'system/composition-*.rs',
    }),
  });
  return res.status;
}

describe('a host declares clients (forRoot `clients`) and manages them through SmartAuthAdmin', () => {
  let storage: TestStorage;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    storage = await createTestStorage();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await storage.dispose();
  });

  it('creates declared clients at start, updates them when the declaration changes, leaves them otherwise', async () => {
    let host = await boot(storage, [BACKEND, PUBLIC_APP]);
    app = host.app;
    expect(await backendToken(host.url, BACKEND.secret!)).toBe(200);
    const admin = app.get(SmartAuthAdmin);
    const listed = await admin.listClients();
    expect(listed.items.map((c) => c.client_id).sort()).toEqual(['host-app', 'host-backend']);
    expect((await admin.getClient('host-app')).token_endpoint_auth_method).toBe('none');
    const created = (await admin.listAudit({ action: 'client.create' })).total;
    await app.close();

    // Same declaration: nothing written.
    host = await boot(storage, [BACKEND, PUBLIC_APP]);
    app = host.app;
    expect(await app.get(SmartAuthAdmin).ensureClient(BACKEND)).toBe('unchanged');
    expect((await app.get(SmartAuthAdmin).listAudit({ action: 'client.create' })).total).toBe(
      created,
    );
    await app.close();

    // A new secret in the declaration replaces the old one.
    const rotated = { ...BACKEND, secret: 'host-backend-secret-NEW-0123456789' };
    host = await boot(storage, [rotated, PUBLIC_APP]);
    app = host.app;
    expect(await backendToken(host.url, rotated.secret)).toBe(200);
    expect(await backendToken(host.url, BACKEND.secret!)).toBe(401);
  });

  it('refuses to start on a declaration that is not a valid client, naming it', async () => {
    const noSecret = { ...BACKEND, secret: undefined };
    await expect(boot(storage, [noSecret])).rejects.toThrow(ClientMetadataError);
    await expect(boot(storage, [noSecret])).rejects.toMatchObject({
      description: 'secret: client host-backend needs a secret',
    });
    const badScope = {
      ...PUBLIC_APP,
      metadata: { ...PUBLIC_APP.metadata, grant_types: ['password'] },
    };
    await expect(boot(storage, [badScope])).rejects.toThrow(ClientMetadataError);
  });

  it('refuses duplicate or malformed declarations as configuration errors', async () => {
    await expect(boot(storage, [BACKEND, BACKEND])).rejects.toThrow(SmartAuthConfigError);
    await expect(boot(storage, [{ clientId: '', metadata: {} }])).rejects.toThrow(
      /clients\[0\]\.clientId/,
    );
    await expect(
      boot(storage, [{ clientId: 'x', metadata: null as unknown as Record<string, unknown> }]),
    ).rejects.toThrow(/clients\[0\]\.metadata/);
  });

  it('creates, rotates, suspends and deletes clients, creates launches and writes the audit trail', async () => {
    const host = await boot(storage, []);
    app = host.app;
    const admin = app.get(SmartAuthAdmin);
    const issued = await admin.createClient(BACKEND.metadata, { by: { actor: 'host-console' } });
    expect(issued.client_secret).toEqual(expect.any(String));
    const rotated = await admin.rotateClientSecret(issued.client_id, { overlapSeconds: 0 });
    expect(rotated.client_secret).not.toBe(issued.client_secret);
    expect((await admin.suspendClient(issued.client_id)).status).toBe('suspended');
    expect((await admin.approveClient(issued.client_id)).status).toBe('approved');
    await admin.deleteClient(issued.client_id);
    await expect(admin.getClient(issued.client_id)).rejects.toThrow(NotFoundException);

    const launch = await admin.createLaunch({ ehrId: 'ehr-1', patient: 'pat-1' });
    expect(launch).toEqual({ launch: expect.any(String), expires_in: 300 });
    await expect(admin.createLaunch({})).rejects.toThrow(OAuthError);
    await expect(admin.createLaunch({ ehrId: 'e', episodeId: 'ep' })).rejects.toThrow(
      /episodeId is not enabled/,
    );

    expect((await admin.rotateSigningKeys()).length).toBeGreaterThan(0);
    const actions = (await admin.listAudit({ limit: 200 })).items.map(
      (e) => `${e.actor} ${e.action}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'host-console client.create',
        'host client.rotate_secret',
        'host client.suspend',
        'host client.delete',
        'host launch.create',
        'host keys.rotate',
      ]),
    );
  });

  it('filters clients in the query (LIKE with % and _ taken literally, exact paging)', async () => {
    const host = await boot(storage, []);
    app = host.app;
    const admin = app.get(SmartAuthAdmin);
    const app_ = (name: string, uri: string) => ({
      client_name: name,
      redirect_uris: [uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid',
    });
    await admin.createClient(app_('Growth 100% charts', 'https://growth.example/cb'));
    await admin.createClient(app_('Growth 1000 charts', 'https://growth-b.example/cb'));
    await admin.createClient(app_('Diary', 'https://x.example/my_cb'));
    await admin.createClient(app_('Diary two', 'https://x.example/myXcb'));
    await admin.createClient(BACKEND.metadata);
    const names = async (query: Parameters<SmartAuthAdmin['listClients']>[0]) => {
      const page = await admin.listClients(query);
      return { names: page.items.map((c) => c.client_name), total: page.total };
    };
    expect(await names({ search: '100%' })).toEqual({ names: ['Growth 100% charts'], total: 1 });
    expect(await names({ search: 'MY_CB' })).toEqual({ names: ['Diary'], total: 1 });
    expect(await names({ search: 'GROWTH' })).toEqual({
      names: ['Growth 100% charts', 'Growth 1000 charts'],
      total: 2,
    });
    expect(await names({ search: 'growth', limit: 1, offset: 1 })).toEqual({
      names: ['Growth 1000 charts'],
      total: 2,
    });
    expect(await names({ search: 'growth-b.example' })).toEqual({
      names: ['Growth 1000 charts'],
      total: 1,
    });
    expect(await names({ clientType: 'confidential-symmetric' })).toEqual({
      names: ['Host backend'],
      total: 1,
    });
    expect((await names({ status: 'pending' })).total).toBe(0);
    const id = (await admin.listClients({ search: 'diary two' })).items[0].client_id;
    expect((await names({ search: id.toUpperCase() })).names).toEqual(['Diary two']);
  });

  it('lists the audit trail by time range; manages trusted issuers and shows signing keys', async () => {
    const host = await boot(storage, []);
    app = host.app;
    const admin = app.get(SmartAuthAdmin);
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const key = await makeKeyPair('ES256', 'idp-key');
    const saved = await admin.saveTrustedIssuer(
      {
        issuer: 'https://idp.hospital.example',
        jwks: jwksOf(key),
        allowedSubjects: ['Practitioner/*'],
        allowedScope: 'user/composition-*.rs',
      },
      { actor: 'console:sub-ada' },
    );
    expect(saved.createdAt).toBeGreaterThanOrEqual(before);
    await expect(
      admin.saveTrustedIssuer({
        issuer: 'https://bad.example',
        allowedSubjects: ['*'],
        allowedScope: 'openid',
      }),
    ).rejects.toThrow(ClientMetadataError);
    expect((await admin.listTrustedIssuers()).map((i) => i.issuer)).toEqual([
      'https://idp.hospital.example',
    ]);
    await admin.removeTrustedIssuer('https://idp.hospital.example', { actor: 'console:sub-ada' });
    await expect(admin.removeTrustedIssuer('https://idp.hospital.example')).rejects.toThrow(
      OAuthError,
    );
    expect(await admin.listTrustedIssuers()).toEqual([]);

    const keys = await admin.listSigningKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.state === 'active' && !('material' in k))).toBe(true);
    const published = await admin.rotateSigningKeys();
    const after = await admin.listSigningKeys();
    expect(
      after
        .filter((k) => k.state === 'pending')
        .map((k) => k.kid)
        .sort(),
    ).toEqual([...published].sort());
    expect(after.filter((k) => k.state === 'retiring')).toHaveLength(keys.length);

    const since = await admin.listAudit({ from: before, limit: 200 });
    expect(since.items.map((e) => e.action)).toEqual([
      'keys.rotate',
      'trusted_issuer.delete',
      'trusted_issuer.save',
    ]);
    const iso = await admin.listAudit({ from: new Date(before).toISOString(), to: Date.now() });
    expect(iso.total).toBe(3);
    expect((await admin.listAudit({ to: before, action: 'keys.rotate' })).total).toBe(0);
    await expect(admin.listAudit({ from: 'last week' })).rejects.toThrow(
      'from must be epoch milliseconds or an ISO 8601 time',
    );
  });
});
