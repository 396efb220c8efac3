import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AccountResolver,
  mountSmartAuthServer,
  SmartAuthConfigError,
  type SmartAuthServerOptions,
  type SmartDatabaseSettings,
} from '@smart-openehr/auth-server';
import { ClientRegistryService } from '../../libs/auth-server/src/clients/client-registry.service.js';
import { ProviderHost } from '../../libs/auth-server/src/provider/provider-host.service.js';
import { BadOptionsHostModule } from '../fixtures/apps/bad-options.module.js';
import { ForRootAsyncClassHostModule } from '../fixtures/apps/for-root-async-class.module.js';
import { ForRootAsyncExistingHostModule } from '../fixtures/apps/for-root-async-existing.module.js';
import { ForRootAsyncFactoryHostModule } from '../fixtures/apps/for-root-async-factory.module.js';
import { ForRootHostModule } from '../fixtures/apps/for-root.module.js';
import {
  HostAccountResolver,
  HostWithAccountsModule,
} from '../fixtures/apps/host-accounts.module.js';
import type { HostConfig } from '../fixtures/apps/host-config.module.js';
import { createTestStorage, type TestStorage } from '../support/app.harness.js';

type Register = (db: SmartDatabaseSettings, config: HostConfig) => DynamicModule;

interface Host {
  app: INestApplication;
  url: string;
  storage: TestStorage;
  close: () => Promise<void>;
}

/** Boots a host module the way a platform's `main.ts` would, on a free loopback port. */
async function bootHost(register: Register, config: HostConfig): Promise<Host> {
  const storage = await createTestStorage();
  const db = { databaseUrl: storage.databaseUrl, dataDir: storage.dataDir };
  try {
    const app = await NestFactory.create(register(db, config), {
      logger: false,
      abortOnError: false,
    });
    mountSmartAuthServer(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      app,
      url: `http://127.0.0.1:${port}`,
      storage,
      close: async () => {
        await app.close();
        await storage.dispose();
      },
    };
  } catch (err) {
    await storage.dispose();
    throw err;
  }
}

const getJson = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
};

const VARIANTS: [string, Register, string][] = [
  ['forRoot', (db, c) => ForRootHostModule.register(db, c), 'for-root'],
  ['forRootAsync useFactory', (db, c) => ForRootAsyncFactoryHostModule.register(db, c), 'factory'],
  ['forRootAsync useClass', (db, c) => ForRootAsyncClassHostModule.register(db, c), 'class'],
  [
    'forRootAsync useExisting',
    (db, c) => ForRootAsyncExistingHostModule.register(db, c),
    'existing',
  ],
];

describe.each(VARIANTS)('host registering SmartAuthServerModule.%s', (_name, register, tag) => {
  const config: HostConfig = {
    issuer: `https://${tag}.host.example/platform`,
    openehrBaseUrl: `https://${tag}.host.example/openehr/rest/v1`,
  };
  let host: Host;
  beforeAll(async () => {
    host = await bootHost(register, config);
  });
  afterAll(async () => {
    await host?.close();
  });

  it("smart-configuration carries the host's issuer and services", async () => {
    const doc = await getJson(`${host.url}/.well-known/smart-configuration`);
    expect(doc.issuer).toBe(config.issuer);
    expect(doc.services['org.openehr.rest'].baseUrl).toBe(config.openehrBaseUrl);
    // URLs come from the issuer's origin, whatever host the request reached.
    expect(doc.token_endpoint).toBe(`${new URL(config.issuer).origin}/auth/token`);
  });

  it("openid-configuration carries the host's issuer and a JWKS with signing keys", async () => {
    const doc = await getJson(`${host.url}/.well-known/openid-configuration`);
    expect(doc.issuer).toBe(config.issuer);
    expect(doc.jwks_uri).toBe(`${new URL(config.issuer).origin}/auth/jwks`);
    const jwks = await getJson(`${host.url}/auth/jwks`);
    expect(jwks.keys.length).toBeGreaterThanOrEqual(3);
    for (const key of jwks.keys) {
      expect(key).toEqual(expect.objectContaining({ kid: expect.any(String), use: 'sig' }));
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('bad options stop the host from booting', () => {
  const valid: SmartAuthServerOptions = {
    issuer: 'https://bad.host.example',
    services: { 'org.openehr.rest': { baseUrl: 'https://bad.host.example/openehr/rest/v1' } },
  };
  const cases: [string, Partial<SmartAuthServerOptions> | Record<string, unknown>][] = [
    ['issuer', { issuer: 'not a url' }],
    ['services', { services: { 'org.fhir.rest': { baseUrl: 'https://fhir.example/r4' } } }],
    ['pkce', { pkce: 'sometimes' }],
    ['sqliteCheckpoints', { sqliteCheckpoints: 'never' }],
  ];

  it.each(
    cases.flatMap(([option, override]) =>
      (['sync', 'async'] as const).map((mode) => ({ option, override, mode })),
    ),
  )(
    '$option ($mode): SmartAuthConfigError naming the option',
    async ({ option, override, mode }) => {
      const options: SmartAuthServerOptions = { ...valid, ...override };
      const outcome = await NestFactory.create(BadOptionsHostModule.register(options, mode), {
        logger: false,
        abortOnError: false,
      }).then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (err: unknown) => err,
      );
      expect(outcome).toBeInstanceOf(SmartAuthConfigError);
      expect((outcome as SmartAuthConfigError).option).toBe(option);
      expect((outcome as Error).message.startsWith(`${option} `)).toBe(true);
    },
  );
});

describe('a host binding its own AccountResolver through imports', () => {
  const config: HostConfig = {
    issuer: 'https://accounts.host.example',
    openehrBaseUrl: 'https://accounts.host.example/openehr/rest/v1',
  };
  let host: Host;
  beforeAll(async () => {
    host = await bootHost((db, c) => HostWithAccountsModule.register(db, c), config);
  });
  afterAll(async () => {
    await host?.close();
  });

  it("app.get(AccountResolver) is the host's instance", () => {
    const mine = host.app.get(HostAccountResolver);
    expect(host.app.get(AccountResolver)).toBe(mine);
  });

  it('the engine asks the host resolver for the claims it serves at userinfo', async () => {
    const clientId = 'host-accounts-app';
    const now = Date.now();
    await host.app.get(ClientRegistryService).save({
      clientId,
      metadata: JSON.stringify({
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        scope: 'openid profile fhirUser',
      }),
      clientType: 'public',
      status: 'approved',
      trusted: false,
      secretHash: null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdBy: 'test',
      updatedBy: 'test',
      createdAt: now,
      updatedAt: now,
    });
    const provider = host.app.get(ProviderHost).provider as any;
    const client = await provider.Client.find(clientId);
    const grant = new provider.Grant({ accountId: 'host-user-7', clientId });
    grant.addOIDCScope('openid profile');
    const grantId = (await grant.save()) as string;
    const accessToken = new provider.AccessToken({
      accountId: 'host-user-7',
      client,
      grantId,
      scope: 'openid profile',
      gty: 'authorization_code',
    });
    const value = (await accessToken.save()) as string;

    const res = await fetch(`${host.url}/auth/userinfo`, {
      headers: { authorization: `Bearer ${value}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'host-user-7', name: 'Dr Host Resolver' });
    expect(host.app.get(HostAccountResolver).asked).toContain('host-user-7');
  });
});
