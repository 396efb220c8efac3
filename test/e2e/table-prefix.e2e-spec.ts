import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { mountSmartAuthServer } from '@smart-openehr/auth-server';
import { ExpiredRowsCleaner } from '../../libs/auth-server/src/persistence/expired-rows.cleaner.js';
import { RateLimitRepository } from '../../libs/auth-server/src/persistence/repositories/rate-limit.repository.js';
import { DatabaseRateLimitStore } from '../../libs/auth-server/src/security/database-rate-limit.store.js';
import { makeAdminApi, secretToken } from '../factories/admin-api.factory.js';
import { makeSymmetricClient } from '../factories/client.factory.js';
import { HostAuditEntry, PrefixedHostModule } from '../fixtures/apps/prefixed-host.module.js';
import {
  ADMIN_CLIENT_ID,
  ADMIN_CLIENT_SECRET,
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

const TABLES = [
  'oidc_payload',
  'signing_key',
  'oauth_client',
  'launch_context',
  'audit_event',
  'trusted_issuer',
  'consent_decision',
  'rate_limit',
  'token_revocation',
];
const HOST_CLIENT = { id: 'host-backend', secret: 'host-backend-secret-0123' };
const HOST_SCOPE = 'system/composition-*.rs';

type Row = Record<string, unknown>;

/** RFC 7009 revocation of `token` by the client that holds it, at the endpoint discovery names. */
async function revoke(url: string, token: string, clientId: string, secret: string) {
  const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Row;
  const path = new URL(String(doc.revocation_endpoint)).pathname;
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      authorization: basic(clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  expect(res.status).toBe(200);
}

/**
 * Two auth servers in one database beside a host's own table named like one of theirs: the
 * reference platform with `SMART_TABLE_PREFIX=a_`, and a host that builds its own DataSource with
 * `smartAuthNamingStrategy({ tablePrefix: 'b_' })` and owns a table `audit_event`. Each keeps its
 * rows, indexes and migrations to itself, and the host's table is left alone.
 */
describe('table prefixes: two auth servers and a host table in one database', () => {
  let storage: TestStorage;
  let a: TestApp;
  let b: INestApplication;
  let bUrl: string;
  let db: DataSource;
  let postgres: boolean;

  beforeAll(async () => {
    storage = await createTestStorage();
    a = await startTestApp(storage, { SMART_TABLE_PREFIX: 'a_', SMART_AUDIT_TOKEN_ISSUED: 'true' });
    b = await NestFactory.create(
      PrefixedHostModule.register({
        db: { databaseUrl: storage.databaseUrl, dataDir: storage.dataDir },
        tablePrefix: 'b_',
        issuer: 'https://b.host.example',
        client: {
          clientId: HOST_CLIENT.id,
          secret: HOST_CLIENT.secret,
          metadata: {
            client_name: 'Host backend',
            grant_types: ['client_credentials'],
            token_endpoint_auth_method: 'client_secret_basic',
            scope: HOST_SCOPE,
          },
        },
      }),
      { logger: false },
    );
    mountSmartAuthServer(b);
    await b.listen(0, '127.0.0.1');
    bUrl = `http://127.0.0.1:${(b.getHttpServer().address() as AddressInfo).port}`;
    db = b.get(DataSource);
    postgres = db.options.type === 'postgres';
    await db.getRepository(HostAuditEntry).save({ message: 'host row' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await storage.dispose();
  });

  const rows = (sql: string): Promise<Row[]> => db.query<Row[]>(sql);
  const tableNames = async (): Promise<string[]> =>
    (
      await rows(
        postgres
          ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
          : `SELECT name FROM sqlite_master WHERE type = 'table'`,
      )
    ).map((r) => String(r.name));
  const indexNames = async (): Promise<string[]> =>
    (
      await rows(
        postgres
          ? `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`
          : `SELECT name FROM sqlite_master WHERE type = 'index'`,
      )
    ).map((r) => String(r.name));

  it('creates every table twice, prefixed, and leaves no unprefixed one but the host table', async () => {
    const names = await tableNames();
    for (const table of TABLES) {
      expect(names).toContain(`a_${table}`);
      expect(names).toContain(`b_${table}`);
      if (table !== 'audit_event') expect(names).not.toContain(table);
    }
    expect(names).toEqual(expect.arrayContaining(['a_migrations', 'host_migrations']));
    expect(names).not.toContain('migrations');
  });

  it('names the indexes in each prefix, as each DataSource expects them', async () => {
    const names = await indexNames();
    const ours = names.filter((n) => n.startsWith('idx_')).sort();
    expect(ours).toEqual(
      [
        'idx_a_audit_event_at',
        'idx_a_oidc_payload_expires',
        'idx_a_oidc_payload_grant',
        'idx_a_oidc_payload_uid',
        'idx_a_token_revocation_expires',
        'idx_a_token_revocation_target',
        'idx_b_audit_event_at',
        'idx_b_oidc_payload_expires',
        'idx_b_oidc_payload_grant',
        'idx_b_oidc_payload_uid',
        'idx_b_token_revocation_expires',
        'idx_b_token_revocation_target',
      ].sort(),
    );
    for (const ds of [a.app.get(DataSource), db]) {
      for (const meta of ds.entityMetadatas) {
        for (const index of meta.indices) expect(names).toContain(index.name);
      }
    }
  });

  it('runs both migration sets, each recorded in its own table', async () => {
    const names = (table: string) =>
      rows(`SELECT name FROM ${table} ORDER BY id`).then((r) => r.map((m) => m.name));
    expect(await names('a_migrations')).toEqual([
      'InitialSchema1764300000000',
      'PartialPayloadIndexes1764400000000',
      'AccountAppGrants1764500000000',
      'TokenRevocation1764530000000',
    ]);
    expect(await names('host_migrations')).toEqual([
      'HostAuditLog1700000000000',
      'InitialSchema1764300000000',
      'PartialPayloadIndexes1764400000000',
      'AccountAppGrants1764500000000',
      'TokenRevocation1764530000000',
    ]);
  });

  it('issues and revokes tokens on both, each in its own tables, and knows only its clients', async () => {
    const atA = await secretToken(a.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, 'admin');
    const atB = await secretToken(bUrl, HOST_CLIENT.id, HOST_CLIENT.secret, HOST_SCOPE);
    expect(atA.status).toBe(200);
    expect(atB.status).toBe(200);
    await revoke(a.url, atA.body.access_token, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);

    // Each registry holds its own clients only.
    const foreign = await secretToken(bUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, 'admin');
    expect(foreign.status).toBe(401);
    expect(foreign.body.error).toBe('invalid_client');
    expect((await secretToken(a.url, HOST_CLIENT.id, HOST_CLIENT.secret, HOST_SCOPE)).status).toBe(
      401,
    );
    const clients = (p: string) =>
      rows(`SELECT client_id FROM ${p}oauth_client`).then((r) => r.map((c) => c.client_id));
    expect(await clients('a_')).toEqual([ADMIN_CLIENT_ID]);
    expect(await clients('b_')).toEqual([HOST_CLIENT.id]);

    const actors = (p: string) =>
      rows(`SELECT actor FROM ${p}audit_event WHERE action = 'token.issued'`).then((r) =>
        r.map((e) => e.actor),
      );
    expect(await actors('a_')).toEqual([ADMIN_CLIENT_ID]);
    expect(await actors('b_')).toEqual([HOST_CLIENT.id]);

    expect(await rows(`SELECT kind FROM a_token_revocation`)).toEqual([{ kind: 'jti' }]);
    expect(await rows(`SELECT kind FROM b_token_revocation`)).toEqual([]);

    const kids = (p: string) =>
      rows(`SELECT kid FROM ${p}signing_key`).then((r) => r.map((k) => String(k.kid)));
    const [kidsA, kidsB] = [await kids('a_'), await kids('b_')];
    expect(kidsA.length).toBeGreaterThan(0);
    expect(kidsB.length).toBeGreaterThan(0);
    expect(kidsA.filter((kid) => kidsB.includes(kid))).toEqual([]);

    // The revoked token is refused at A's introspection, B's is still active at B's.
    const introspect = async (url: string, token: string, id: string, secret: string) => {
      const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Row;
      const path = new URL(String(doc.introspection_endpoint)).pathname;
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: basic(id, secret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
      return ((await res.json()) as Row).active;
    };
    expect(
      await introspect(a.url, atA.body.access_token, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET),
    ).toBe(false);
  });

  it('cleans, counts and revokes users in its own tables only', async () => {
    const expired = (p: string, id: string) =>
      db.query(
        `INSERT INTO ${p}oidc_payload (model, id, payload, expires_at) VALUES ('Session', '${id}', '{}', 1)`,
      );
    await expired('a_', 'old-a');
    await expired('b_', 'old-b');
    await a.app.get(ExpiredRowsCleaner).runOnce();
    const sessions = (p: string) =>
      rows(`SELECT id FROM ${p}oidc_payload WHERE model = 'Session'`).then((r) =>
        r.map((x) => x.id),
      );
    expect(await sessions('a_')).toEqual([]);
    expect(await sessions('b_')).toEqual(['old-b']);

    const store = new DatabaseRateLimitStore(new RateLimitRepository(db), {
      syncIntervalMs: 60_000,
      exactFraction: 0,
    });
    try {
      expect((await store.hit('prefix-key', 60_000, 5)).count).toBe(1);
      expect(await rows(`SELECT "key", "count" FROM b_rate_limit`)).toEqual([
        { key: 'prefix-key', count: 1 },
      ]);
      await store.reset('prefix-key');
      expect(await rows(`SELECT "key" FROM b_rate_limit`)).toEqual([]);
    } finally {
      await store.close();
    }

    const admin = makeAdminApi(a.url, await adminToken(a.url));
    const revoked = await admin.post('/admin/users/someone/revoke');
    expect(revoked.status).toBe(200);
    expect(
      await rows(`SELECT kind, target FROM a_token_revocation WHERE kind = 'subject'`),
    ).toEqual([{ kind: 'subject', target: 'someone' }]);
    expect(await rows(`SELECT kind FROM b_token_revocation`)).toEqual([]);
  });

  it("leaves the host's audit_event table with the host's columns and rows only", async () => {
    expect(await rows('SELECT id, message FROM audit_event')).toEqual([
      { id: 1, message: 'host row' },
    ]);
    expect(await db.getRepository(HostAuditEntry).count()).toBe(1);
  });
});

/**
 * PostgreSQL change notices follow the prefix: deployments sharing a database do not hear each
 * other, instances of one deployment do. Runs on PostgreSQL in both test passes.
 */
describe('table prefixes: change-notice channels in one PostgreSQL database', () => {
  let storage: TestStorage;
  let plain: TestApp;
  let smart1: TestApp;
  let smart2: TestApp;
  let listener: pg.Client;
  const heard: [string, string][] = [];
  let waiting: (() => void) | undefined;
  const nextNotice = () => new Promise<void>((resolve) => (waiting = resolve));

  beforeAll(async () => {
    storage = await createTestStorage({ postgres: true });
    plain = await startTestApp(storage);
    smart1 = await startTestApp(storage, { SMART_TABLE_PREFIX: 'smart_' });
    smart2 = await startTestApp(storage, { SMART_TABLE_PREFIX: 'smart_' });
    listener = new pg.Client({ connectionString: storage.databaseUrl });
    await listener.connect();
    listener.on('notification', (msg) => {
      heard.push([msg.channel, msg.payload ?? '']);
      waiting?.();
    });
    for (const channel of [
      'smart_client_changed',
      'smart_smart_client_changed',
      'smart_token_revoked',
      'smart_smart_token_revoked',
    ]) {
      await listener.query(`LISTEN ${channel}`);
    }
  });
  afterAll(async () => {
    await listener?.end();
    await smart2?.close();
    await smart1?.close();
    await plain?.close();
    await storage.dispose();
  });

  it('announces a client change only on its own deployment channel', async () => {
    const apiPlain = makeAdminApi(plain.url, await adminToken(plain.url));
    const apiSmart = makeAdminApi(smart1.url, await adminToken(smart1.url));

    let notice = nextNotice();
    const { body: first } = await apiPlain.post('/admin/clients', makeSymmetricClient());
    await notice;
    notice = nextNotice();
    const { body: second } = await apiSmart.post('/admin/clients', makeSymmetricClient());
    await notice;
    // Notices reach a session in commit order: nothing else was sent before the second one.
    expect(heard).toEqual([
      ['smart_client_changed', first.client_id],
      ['smart_smart_client_changed', second.client_id],
    ]);
  });

  it('tells the other instance of the same deployment, and only it', async () => {
    const apiSmart = makeAdminApi(smart1.url, await adminToken(smart1.url));
    const { body: client } = await apiSmart.post('/admin/clients', makeSymmetricClient());
    const scope = 'system/composition-*.rs';
    const at = (app: TestApp) =>
      secretToken(app.url, client.client_id, client.client_secret, scope);
    expect((await at(smart2)).status).toBe(200);
    expect((await at(smart2)).status).toBe(200);
    expect((await at(plain)).status).toBe(401);

    expect((await apiSmart.post(`/admin/clients/${client.client_id}/suspend`)).status).toBe(200);
    const refused = await at(smart2);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });
});
