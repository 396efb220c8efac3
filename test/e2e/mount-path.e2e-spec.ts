import {
  Controller,
  Get,
  Injectable,
  Module,
  RequestMethod,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AccountResolver,
  CredentialsVerifier,
  mountSmartAuthServer,
  SmartAuthConfigError,
  SmartAuthServerModule,
  type SmartAccountClaims,
  type SmartAuthServerOptions,
  type SmartSeedClient,
} from '@smart-openehr/auth-server';
import { hostTypeOrm } from '../fixtures/apps/host-config.module.js';
import { createTestStorage, settleFailedBoot, type TestStorage } from '../support/app.harness.js';
import { freePort } from '../support/free-port.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

const MOUNT = '/smart';

const BACKEND: SmartSeedClient = {
  clientId: 'mounted-backend',
  secret: 'mounted-backend-secret-0123456789',
  metadata: {
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'system/composition-*.rs admin',
  },
};
const APP: SmartSeedClient = {
  clientId: 'mounted-app',
  metadata: {
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    scope: 'openid fhirUser offline_access user/composition-*.r',
  },
};

/** One clinician, as a host's own user store would have. */
@Injectable()
class Users extends AccountResolver implements CredentialsVerifier {
  findAccount(sub: string): Promise<SmartAccountClaims | undefined> {
    return Promise.resolve(
      sub === 'clinician'
        ? { sub, name: 'Dr Mounted', fhirUser: 'Practitioner/clinician', roles: ['clinician'] }
        : undefined,
    );
  }
  verify(username: string, password: string): Promise<string | undefined> {
    return Promise.resolve(
      username === 'clinician' && password === 'clinician' ? username : undefined,
    );
  }
}

@Module({
  providers: [
    Users,
    { provide: AccountResolver, useExisting: Users },
    { provide: CredentialsVerifier, useExisting: Users },
  ],
  exports: [AccountResolver, CredentialsVerifier],
})
class UsersModule {}

@Module({})
class MountedHostModule {
  static register(
    storage: TestStorage,
    options: SmartAuthServerOptions,
    factoryMount?: string,
    staticMount: string | null = MOUNT,
  ): DynamicModule {
    return {
      module: MountedHostModule,
      controllers: [PingController],
      imports: [
        hostTypeOrm({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir }),
        SmartAuthServerModule.forRootAsync({
          mountPath: staticMount ?? undefined,
          imports: [UsersModule],
          useFactory: () => ({ ...options, ...(factoryMount ? { mountPath: factoryMount } : {}) }),
        }),
      ],
    };
  }
}

/** A route of the host's own, under its global prefix. */
@Controller('ping')
class PingController {
  @Get()
  ping(): { pong: true } {
    return { pong: true };
  }
}

async function boot(
  storage: TestStorage,
  port: number,
  factoryMount?: string,
  globalPrefix?: string,
  staticMount: string | null = MOUNT,
) {
  const url = `http://127.0.0.1:${port}`;
  const options: SmartAuthServerOptions = {
    issuer: `${url}${MOUNT}`,
    services: { 'org.openehr.rest': { baseUrl: `${url}/openehr/rest/v1` } },
    clients: [BACKEND, APP],
  };
  const app = await NestFactory.create(
    MountedHostModule.register(storage, options, factoryMount, staticMount),
    {
      logger: false,
      abortOnError: false,
    },
  ).catch(async (err: unknown) => {
    await settleFailedBoot();
    throw err;
  });
  try {
    if (globalPrefix) {
      // The host's own routes get the prefix; the auth server's stay under its mount path.
      app.setGlobalPrefix(globalPrefix, {
        exclude: [{ path: `${MOUNT.slice(1)}/{*path}`, method: RequestMethod.ALL }],
      });
    }
    mountSmartAuthServer(app);
    await app.listen(port, '127.0.0.1');
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return { app, url, base: `${url}${MOUNT}` };
}

const basic = (c: SmartSeedClient) =>
  `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}`;

describe('the module mounted under a path (mountPath /smart)', () => {
  let storage: TestStorage;
  let app: INestApplication;
  let url: string;
  let base: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    ({ app, url, base } = await boot(storage, await freePort()));
  });
  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('publishes both discovery documents under the mount path, with every URL under it', async () => {
    for (const doc of ['smart-configuration', 'openid-configuration']) {
      const res = await fetch(`${base}/.well-known/${doc}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.issuer).toBe(base);
      for (const key of [
        'jwks_uri',
        'authorization_endpoint',
        'token_endpoint',
        'introspection_endpoint',
        'revocation_endpoint',
        'management_endpoint',
      ]) {
        expect({ key, url: body[key] }).toEqual({ key, url: expect.stringMatching(`^${base}/`) });
      }
      expect(body.token_endpoint).toBe(`${base}/auth/token`);
      expect(body.management_endpoint).toBe(`${base}/account/apps`);
    }
    const jwks = await fetch(`${base}/auth/jwks`);
    expect(jwks.status).toBe(200);
  });

  it('answers nothing of its own at the server root', async () => {
    for (const path of [
      '/.well-known/smart-configuration',
      '/.well-known/openid-configuration',
      '/auth/jwks',
      '/account/apps',
      '/admin/clients',
    ]) {
      expect({ path, status: (await fetch(`${url}${path}`)).status }).toEqual({
        path,
        status: 404,
      });
    }
  });

  it('issues, introspects and revokes tokens under the mount path (engine and Nest routes)', async () => {
    const token = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(BACKEND),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/composition-*.rs admin',
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };

    const admin = await fetch(`${base}/admin/clients`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(admin.status).toBe(200);

    const introspect = (tokenValue: string) =>
      fetch(`${base}/auth/introspect`, {
        method: 'POST',
        headers: {
          authorization: basic(BACKEND),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: tokenValue }),
      });
    expect(await (await introspect(access_token)).json()).toMatchObject({ active: true });
    const revoke = await fetch(`${base}/auth/revoke`, {
      method: 'POST',
      headers: {
        authorization: basic(BACKEND),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: access_token }),
    });
    expect(revoke.status).toBe(200);
    expect(await (await introspect(access_token)).json()).toEqual({ active: false });
  });

  it('runs a user through login and consent pages that all live under the mount path', async () => {
    const flow = await authorizeAsUser({
      base,
      clientId: APP.clientId,
      scope: 'openid fhirUser offline_access user/composition-*.r',
    });
    expect(flow.pages).toEqual(['login', 'consent']);
    expect(flow.callback.searchParams.get('iss')).toBe(base);
    const token = await redeem(base, APP.clientId, flow);
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({
      scope: expect.stringContaining('user/composition-*.r'),
    });
  });

  it('sends the account page visitor to its sign-in under the mount path', async () => {
    const res = await fetch(`${base}/account/apps`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${MOUNT}/account/apps/login`);
    const login = await fetch(`${base}/account/apps/login`);
    expect(await login.text()).toContain(`action="${MOUNT}/account/apps/login"`);
  });
});

describe('mountPath is static', () => {
  it('refuses an options factory that names a mount path when none was given statically', async () => {
    const storage = await createTestStorage();
    try {
      await expect(boot(storage, await freePort(), MOUNT, undefined, null)).rejects.toThrow(
        SmartAuthConfigError,
      );
    } finally {
      await storage.dispose();
    }
  });

  it('refuses an options factory that names another mount path', async () => {
    const storage = await createTestStorage();
    try {
      await expect(boot(storage, await freePort(), '/elsewhere')).rejects.toThrow(
        SmartAuthConfigError,
      );
    } finally {
      await storage.dispose();
    }
  });
});

describe('beside a host that sets a global prefix (and excludes the mount path from it)', () => {
  it('keeps every route of the auth server under the mount path', async () => {
    const storage = await createTestStorage();
    const { app, url, base } = await boot(storage, await freePort(), undefined, 'api');
    try {
      expect((await fetch(`${url}/api/ping`)).status).toBe(200);
      const discovery = await fetch(`${base}/.well-known/smart-configuration`);
      expect(discovery.status).toBe(200);
      const { token_endpoint } = (await discovery.json()) as { token_endpoint: string };
      const token = await fetch(token_endpoint, {
        method: 'POST',
        headers: {
          authorization: basic(BACKEND),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
      });
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const admin = await fetch(`${base}/admin/clients`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(admin.status).toBe(200);
      expect((await fetch(`${base}/account/apps/login`)).status).toBe(200);
    } finally {
      await app.close();
      await storage.dispose();
    }
  });
});
