import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { basic } from '../support/app.harness.js';
import { freePort } from '../support/free-port.js';
import { authorizeAsUser, REDIRECT_URI, type FlowResult } from '../support/smart-flow.js';
import { createPostgresDatabase, sharedPostgresUrl } from '../support/test-database.js';
import { SMART_MOUNT_PATH as NEST11_MOUNT_PATH } from './nest11-cjs/src/smart-mount.js';
import { SMART_MOUNT_PATH as NEST12_MOUNT_PATH } from './nest12-esm/src/smart-mount.js';
import {
  compileHost,
  PACKAGE_NAMES,
  packPackages,
  prepareHost,
  REPO_ROOT,
  resolveFrom,
  startHost,
  type PreparedHost,
  type RunningHost,
  type Tarball,
} from './outside-host.js';

/** What the fixtures seed (test/hosts/<host>/src/accounts.ts, notes/notes.seed.ts, seed-clients.ts). */
const PATIENT_EHR_ID = '0c8f5b4e-6a5e-4f7c-9a0e-3d2b1c4a5e6f';
const SEEDED_NOTES = ['Admitted for observation', 'Discharged home'];
const ADMIN = { id: 'host-admin', secret: 'host-admin-secret-0123456789' };
const BACKEND = { id: 'host-backend', secret: 'host-backend-secret-0123456789' };
const APP_ID = 'host-app';
const CLINICIAN = { username: 'clinician', password: 'clinician-password' };

/**
 * The auth server's tables (SMART_AUTH_ENTITIES) under the hosts' table prefix (`smart_`, through
 * `smartAuthNamingStrategy`), which must sit beside the host's `host_note`.
 */
const AUTH_TABLES = ['smart_oauth_client', 'smart_oidc_payload', 'smart_signing_key'];

interface HostCase {
  fixture: string;
  mountPath: string;
  /** Whether the host installs @nestjs/swagger (an optional peer of the auth server). */
  swagger: boolean;
}

const HOSTS: HostCase[] = [
  { fixture: 'nest12-esm', mountPath: NEST12_MOUNT_PATH, swagger: true },
  { fixture: 'nest11-cjs', mountPath: NEST11_MOUNT_PATH, swagger: false },
];

const MINUTE = 60_000;

/**
 * Issue 14 item 6: the packed packages work in NestJS hosts outside this repo. Each fixture in
 * test/hosts/ (a Nest 12 ESM host and a Nest 11 CommonJS host) is copied to a temp folder,
 * installs only the three tarballs plus registry packages, compiles with strict `tsc`
 * (`skipLibCheck: false`) against the shipped `.d.ts`, boots, and serves SMART discovery, a
 * backend token, an EHR launch through the login and consent pages, and a route the host owns,
 * protected by the resource-server package and reading a host entity from the same DataSource.
 */
describe('outside NestJS hosts consume the packed packages', () => {
  let packDir: string;
  let tarballs: Tarball[];

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'smart-packs-'));
    tarballs = await packPackages(packDir);
  }, 5 * MINUTE);
  afterAll(() => rmSync(packDir, { recursive: true, force: true }));

  describe.each(HOSTS)('$fixture', ({ fixture, mountPath, swagger }) => {
    let prepared: PreparedHost;
    let compiled: { code: number; output: string };
    let dataDir: string;
    let database: { url: string; drop: () => Promise<void> } | undefined;
    let started: RunningHost | Error;
    let host: RunningHost;
    let discovery: Record<string, unknown>;

    beforeAll(async () => {
      prepared = await prepareHost(fixture, tarballs);
      compiled = await compileHost(prepared.dir);
      dataDir = mkdtempSync(join(tmpdir(), `smart-host-data-`));
      const pgBase = sharedPostgresUrl();
      database = pgBase ? await createPostgresDatabase(pgBase) : undefined;
      started = await startHost(prepared.dir, {
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        DATABASE_URL: database?.url,
      }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      if (started instanceof Error) return;
      host = started;
      discovery = (await (
        await fetch(`${host.issuer}/.well-known/smart-configuration`)
      ).json()) as Record<string, unknown>;
    }, 25 * MINUTE);
    afterAll(async () => {
      if (!(started instanceof Error)) await started?.stop();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      prepared?.dispose();
    });

    const tokenEndpoint = () => String(discovery.token_endpoint);

    const clientCredentials = async (client: { id: string; secret: string }, scope: string) => {
      const res = await fetch(tokenEndpoint(), {
        method: 'POST',
        headers: {
          authorization: basic(client.id, client.secret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    const notes = (ehrId: string, token?: string) =>
      fetch(`${host.url}/api/ehr/${ehrId}/notes`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });

    const redeem = (flow: FlowResult) =>
      fetch(tokenEndpoint(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: flow.callback.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT_URI,
          client_id: APP_ID,
          code_verifier: flow.verifier,
        }),
      });

    it('installs only the tarballs and registry packages, in a folder outside the repository', async () => {
      expect(relative(REPO_ROOT, prepared.dir).startsWith('..')).toBe(true);
      for (let up = dirname(prepared.dir); up !== dirname(up); up = dirname(up)) {
        expect(existsSync(join(up, 'node_modules'))).toBe(false);
      }
      for (const name of PACKAGE_NAMES) {
        const resolved = await resolveFrom(prepared.dir, name);
        expect(resolved.startsWith(join(prepared.dir, 'node_modules', name, 'dist'))).toBe(true);
      }
      for (const shared of ['@nestjs/common', 'typeorm', 'reflect-metadata']) {
        expect((await resolveFrom(prepared.dir, shared)).startsWith(prepared.dir)).toBe(true);
      }
    });

    it('type-checks strictly (skipLibCheck: false) against the shipped .d.ts', () => {
      expect(compiled).toEqual({ code: 0, output: '' });
    });

    describe('booted', () => {
      // A host that does not boot fails these tests with its output, not the two above.
      beforeEach(() => {
        if (started instanceof Error) throw started;
      });

      it('serves discovery with the host URL under its mount path as issuer', () => {
        expect(host.issuer).toBe(`${host.url}${mountPath}`);
        expect(discovery.issuer).toBe(host.issuer);
        const endpoints = Object.entries(discovery).filter(
          ([key]) => key.endsWith('_endpoint') || key === 'jwks_uri',
        );
        expect(endpoints.map(([key]) => key)).toEqual(
          expect.arrayContaining(['authorization_endpoint', 'token_endpoint', 'jwks_uri']),
        );
        for (const [, value] of endpoints) expect(String(value)).toMatch(`${host.issuer}/`);
      });

      it('issues a backend token; the host route answers 200 with the scope, 401 without a token, 403 without the scope', async () => {
        const backend = await clientCredentials(BACKEND, 'system/composition-*.rs');
        expect(backend).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
        const ok = await notes(PATIENT_EHR_ID, backend.body.access_token);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({
          ehr_id: PATIENT_EHR_ID,
          client_id: BACKEND.id,
          notes: SEEDED_NOTES,
        });

        const anonymous = await notes(PATIENT_EHR_ID);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);

        const templatesOnly = await clientCredentials(BACKEND, 'system/template-*.rs');
        expect(templatesOnly.status).toBe(200);
        const forbidden = await notes(PATIENT_EHR_ID, templatesOnly.body.access_token);
        expect(forbidden.status).toBe(403);
        expect(forbidden.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);

        const wrongSecret = await clientCredentials(
          { id: BACKEND.id, secret: 'not-the-secret' },
          'system/composition-*.rs',
        );
        expect(wrongSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      });

      it('runs an EHR launch through the login and consent pages; the launch token reads its EHR only', async () => {
        const admin = await clientCredentials(ADMIN, 'launch:create');
        expect(admin.status).toBe(200);
        const created = await fetch(`${host.issuer}/admin/launches`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin.body.access_token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ehrId: PATIENT_EHR_ID, patient: 'pat-1', client_id: APP_ID }),
        });
        expect(created.status).toBe(201);
        const { launch } = (await created.json()) as { launch: string };

        const flow = await authorizeAsUser({
          base: host.issuer,
          clientId: APP_ID,
          scope: 'launch openid fhirUser patient/composition-*.rs',
          ...CLINICIAN,
          extra: { launch },
        });
        expect(flow.pages).toEqual(['login', 'consent']);
        expect(flow.callback.searchParams.get('state')).toBe(flow.state);
        const res = await redeem(flow);
        expect(res.status).toBe(200);
        const token = (await res.json()) as Record<string, any>;
        expect(token).toMatchObject({ ehrId: PATIENT_EHR_ID, patient: 'pat-1' });
        expect(token.scope.split(' ')).toEqual(
          expect.arrayContaining(['launch', 'patient/composition-*.rs']),
        );

        const own = await notes(PATIENT_EHR_ID, token.access_token);
        expect(own.status).toBe(200);
        expect(await own.json()).toMatchObject({ client_id: APP_ID, notes: SEEDED_NOTES });
        const other = await notes('9e1d2c3b-0000-4000-8000-000000000000', token.access_token);
        expect(other.status).toBe(403);
      });

      it("keeps the host's entity and the auth server's tables in one database", async () => {
        const tables = database
          ? await postgresTables(database.url)
          : sqliteTables(join(dataDir, 'host.sqlite'));
        expect(tables).toEqual(expect.arrayContaining(['host_note', ...AUTH_TABLES]));
        expect(tables).not.toContain('oauth_client');
      });

      if (swagger) {
        it('serves the admin API description when the host installs @nestjs/swagger', async () => {
          const res = await fetch(`${host.issuer}/admin/docs-json`);
          expect(res.status).toBe(200);
          const doc = (await res.json()) as { paths: Record<string, unknown> };
          expect(Object.keys(doc.paths)).toContain(`${mountPath}/admin/launches`);
        });
      }
    });
  });
});

function sqliteTables(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    return rows.map((r) => r.name);
  } finally {
    db.close();
  }
}

async function postgresTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    return result.rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}
