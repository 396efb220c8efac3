import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { CliUsageError, parseCliArgs } from '../../src/cli/cli-args.parser.js';
import { runCliCommand } from '../../src/cli/cli-commands.runner.js';
import { loadConfig } from '../../src/config/env.config.js';
import { makeAdminApi, secretToken } from '../factories/admin-api.factory.js';
import { jwksOf, makeKeyPair } from '../fixtures/keys.js';
import {
  ADMIN_CLIENT_ID,
  ADMIN_CLIENT_SECRET,
  adminToken,
  createTestStorage,
  startTestApp,
  type TestStorage,
} from '../support/app.harness.js';

const SCOPE = 'system/composition-*.rs';

/**
 * The operator CLI's command handler, run in-process against the same storage a server uses
 * (`src/cli/main.ts` only adds argv parsing, the application context and printing).
 */
describe('CLI', () => {
  let storage: TestStorage;
  let ctx: INestApplicationContext;
  const cli = async (...argv: string[]) => {
    const command = parseCliArgs(argv);
    if (command === 'help') throw new Error('help');
    return runCliCommand(ctx, command);
  };

  beforeAll(async () => {
    storage = await createTestStorage();
    const config = loadConfig({
      DATA_DIR: storage.dataDir,
      DATABASE_URL: storage.databaseUrl,
      LOG_LEVEL: 'silent',
      SMART_ADMIN_CLIENT_ID: ADMIN_CLIENT_ID,
      SMART_ADMIN_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
    });
    ctx = await NestFactory.createApplicationContext(AppModule.register(config), { logger: false });
  });
  afterAll(async () => {
    await ctx.close();
    await storage.dispose();
  });

  it('parses command lines and refuses bad ones', () => {
    expect(parseCliArgs([])).toBe('help');
    expect(parseCliArgs(['--help'])).toBe('help');
    expect(parseCliArgs(['clients', 'rotate-secret', 'abc', '--overlap-seconds', '5'])).toEqual({
      name: 'clients rotate-secret',
      clientId: 'abc',
      overlapSeconds: 5,
    });
    expect(
      parseCliArgs([
        'clients',
        'create',
        '--name',
        'X',
        '--auth-method',
        'none',
        '--redirect-uri',
        'https://a/cb',
        '--redirect-uri',
        'https://b/cb',
      ]),
    ).toMatchObject({ metadata: { redirect_uris: ['https://a/cb', 'https://b/cb'] } });
    for (const bad of [
      ['clients', 'approve'],
      ['clients', 'fly'],
      ['clients', 'list', '--limit', 'x'],
      ['clients', 'create', '--name', 'X'],
      ['clients', 'list', '--nope'],
      ['clients', 'create', '--auth-method', 'private_key_jwt', '--jwks-file', '/does/not/exist'],
    ]) {
      expect(() => parseCliArgs(bad)).toThrow(CliUsageError);
    }
  });

  it('creates each client type through the same validation as the API', async () => {
    const secretClient = await cli(
      'clients',
      'create',
      '--name',
      'Backend',
      '--auth-method',
      'client_secret_basic',
      '--grant-type',
      'client_credentials',
      '--scope',
      SCOPE,
    );
    expect(secretClient.exitCode).toBe(0);
    expect(secretClient.output).toMatchObject({
      client_type: 'confidential-symmetric',
      status: 'approved',
    });
    expect((secretClient.output as any).client_secret).toEqual(expect.any(String));

    const publicClient = await cli(
      'clients',
      'create',
      '--name',
      'App',
      '--auth-method',
      'none',
      '--grant-type',
      'authorization_code',
      '--redirect-uri',
      'https://app.example.org/cb',
      '--scope',
      'launch openid patient/composition-*.rs',
      '--launch-mode',
      'ehr',
    );
    expect(publicClient.output).toMatchObject({ client_type: 'public', launch_modes: ['ehr'] });

    const file = join(storage.dataDir, 'jwks.json');
    writeFileSync(file, JSON.stringify(jwksOf(await makeKeyPair('RS384'))));
    const keyClient = await cli(
      'clients',
      'create',
      '--name',
      'Keys',
      '--auth-method',
      'private_key_jwt',
      '--grant-type',
      'client_credentials',
      '--jwks-file',
      file,
      '--scope',
      SCOPE,
    );
    expect(keyClient.output).toMatchObject({ client_type: 'confidential-asymmetric' });

    const refused = await cli(
      'clients',
      'create',
      '--name',
      'Bad',
      '--auth-method',
      'none',
      '--redirect-uri',
      'http://evil.example/cb',
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toMatchObject({ error: 'invalid_client_metadata' });
    expect((refused.output as any).error_description).toMatch(/^redirect_uris: /);
  });

  it('lists, suspends, approves, rotates; a server on the same storage sees it all', async () => {
    const created = (
      await cli(
        'clients',
        'create',
        '--name',
        'Shared',
        '--auth-method',
        'client_secret_post',
        '--grant-type',
        'client_credentials',
        '--scope',
        SCOPE,
      )
    ).output as { client_id: string; client_secret: string };
    const list = await cli('clients', 'list', '--limit', '200');
    expect((list.output as any).items.map((c: any) => c.client_id)).toContain(created.client_id);

    const server = await startTestApp(storage);
    try {
      const token = (secret: string) =>
        fetch(`${server.url}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            scope: SCOPE,
            client_id: created.client_id,
            client_secret: secret,
          }),
        }).then((r) => r.status);
      expect(await token(created.client_secret)).toBe(200);

      expect((await cli('clients', 'suspend', created.client_id)).output).toMatchObject({
        status: 'suspended',
      });
      // SQLite: another process's change is seen within the 2 s cache; PostgreSQL: at once.
      await new Promise((r) => setTimeout(r, storage.databaseUrl ? 0 : 2100));
      expect(await token(created.client_secret)).toBe(401);

      expect((await cli('clients', 'approve', created.client_id)).output).toMatchObject({
        status: 'approved',
      });
      const rotated = (
        await cli('clients', 'rotate-secret', created.client_id, '--overlap-seconds', '0')
      ).output as { client_secret: string };
      await new Promise((r) => setTimeout(r, storage.databaseUrl ? 0 : 2100));
      expect(await token(rotated.client_secret)).toBe(200);
      expect(await token(created.client_secret)).toBe(401);

      const api = makeAdminApi(server.url, await adminToken(server.url));
      const audit = await api.get(`/admin/audit?target_id=${created.client_id}`);
      expect(audit.body.items.map((e: any) => e.action)).toEqual([
        'client.rotate_secret',
        'client.approve',
        'client.suspend',
        'client.create',
      ]);
      expect(audit.body.items[0].actor).toMatch(/^cli/);
      expect(JSON.stringify(audit.body)).not.toContain(rotated.client_secret);
      expect(
        (await secretToken(server.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, 'admin')).status,
      ).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses unknown clients with exit code 1, and rotates the signing keys', async () => {
    expect(await cli('clients', 'approve', 'nope')).toEqual({
      exitCode: 1,
      output: { error: 'not_found', error_description: 'client nope not found' },
    });
    const rotated = await cli('keys', 'rotate');
    expect(rotated.exitCode).toBe(0);
    expect((rotated.output as any).rotated.length).toBeGreaterThan(0);
    const audit = await cli('audit', 'list', '--action', 'keys.rotate');
    expect((audit.output as any).items[0]).toMatchObject({
      action: 'keys.rotate',
      targetType: 'signing_key',
    });
  });
});
