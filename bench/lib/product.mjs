// The product server under test: storage (temp SQLite folder or a fresh PostgreSQL database),
// start, and the setup the scenarios need (admin token, registered clients), with a direct-database
// fallback when the admin API cannot register clients. Also the scale seeding of scenario 8.
import { createHash, createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import pg from 'pg';
import { assertionBody, assertionSigner, makeClientKey } from './assertions.mjs';
import { ROOT, startServer } from './servers.mjs';
import { basic, log, postForm, round } from './util.mjs';

export const SCOPE = 'system/composition-*.rs';

/**
 * What S7 (resource-server guard) runs against: an issuer's JWKS, one ES256 access token for it,
 * and a composition path that token may read.
 */
export async function s7Fixture() {
  const issuer = 'https://auth.bench.example';
  const audience = 'https://ehr.bench.example/openehr/rest/v1';
  const { privatePem, publicJwk } = makeClientKey('ES256', 'bench-at-es256');
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ scope: SCOPE, client_id: 'bench-rs-client' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: publicJwk.kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('bench-rs-client')
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(createPrivateKey(privatePem));
  return {
    serverConfig: { issuer, audience, jwks: { keys: [publicJwk] } },
    path: `/openehr/rest/v1/ehr/${randomUUID()}/composition/${randomUUID()}::bench::1`,
    headers: { authorization: `Bearer ${token}` },
  };
}

const RAISED_RATE_LIMITS = Object.fromEntries(
  [
    'TOKEN_PER_CLIENT',
    'TOKEN_PER_IP',
    'AUTHORIZE_PER_IP',
    'LOGIN_PER_IP',
    'INTROSPECTION_PER_IP',
  ].map((name) => [`SMART_RATE_LIMIT_${name}`, '10000000']),
);
export const ADMIN_ID = 'bench-admin';
export const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';

/** A fresh storage: SQLite in a temp folder, or a new database next to `pgBase`. */
export async function createStorage(kind, pgBase) {
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'smart-bench-'));
    return {
      kind,
      dataDir,
      sqliteFile: join(dataDir, 'smart-auth.sqlite'),
      env: { DATA_DIR: dataDir },
      dispose: () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `smart_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgBase });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgBase);
  url.pathname = `/${name}`;
  return {
    kind,
    name,
    pgUrl: url.toString(),
    env: { DATABASE_URL: url.toString() },
    dispose: async () => {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * What BENCH_SERVER_NODE_OPTIONS (NODE_OPTIONS) and BENCH_SERVER_ENV (a JSON object, e.g.
 * {"MALLOC_MMAP_THRESHOLD_":"131072"}) add to the environment of the servers under test.
 */
export function serverEnvOverrides() {
  return {
    ...(process.env.BENCH_SERVER_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
      : {}),
    ...(process.env.BENCH_SERVER_ENV ? JSON.parse(process.env.BENCH_SERVER_ENV) : {}),
  };
}

/** The node options of `npm start` (package.json `scripts.start`), so the bench runs the same. */
export function startScriptNodeArgs() {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts dist/src/main.js on `storage` as `npm start` does; the public URL is the loopback URL of its port. */
export async function startProduct(storage, { name, profile, env = {}, readyPath } = {}) {
  return startServer({
    name: name ?? `product-${storage.kind}`,
    script: join(ROOT, 'dist', 'src', 'main.js'),
    nodeArgs: startScriptNodeArgs(),
    env: (port) => ({
      SMART_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...serverEnvOverrides(),
      // The product's default rate limits (e.g. 60,000 token requests per client per minute)
      // would turn a long or fast run into 429s; raise them (the limiter still runs and counts).
      ...(process.env.BENCH_KEEP_RATE_LIMITS ? {} : RAISED_RATE_LIMITS),
      SMART_ADMIN_CLIENT_ID: ADMIN_ID,
      SMART_ADMIN_CLIENT_SECRET: ADMIN_SECRET,
      ...storage.env,
      ...env,
    }),
    readyPath: readyPath ?? '/.well-known/smart-configuration',
    profile,
  });
}

/** A client_credentials token for the bench admin client. */
export async function adminToken(url, scope = 'admin introspect') {
  const res = await postForm(
    `${url}/auth/token`,
    { grant_type: 'client_credentials', scope },
    { authorization: basic(ADMIN_ID, ADMIN_SECRET) },
  );
  if (res.status !== 200 || !res.json?.access_token) {
    throw new Error(`admin token: ${res.status} ${res.text.slice(0, 200)}`);
  }
  return res.json.access_token;
}

const keyClientMetadata = (publicJwk, name = 'bench private_key_jwt client') => ({
  client_name: name,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: 'ES384',
  jwks: { keys: [publicJwk] },
  scope: SCOPE,
});

const basicClientMetadata = () => ({
  client_name: 'bench client_secret_basic client',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: SCOPE,
});

const hashSecret = (secret) =>
  `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;

/** A row of table oauth_client (see libs/auth-server/src/persistence/client.entity.ts). */
function clientRow(clientId, metadata, { secret } = {}) {
  const now = Date.now();
  const type =
    metadata.token_endpoint_auth_method === 'private_key_jwt'
      ? 'confidential-asymmetric'
      : 'confidential-symmetric';
  return {
    client_id: clientId,
    metadata: JSON.stringify(metadata),
    client_type: type,
    status: 'approved',
    trusted: 0,
    secret_hash: secret ? hashSecret(secret) : null,
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    created_by: 'bench',
    updated_by: 'bench',
    created_at: now,
    updated_at: now,
  };
}

const CLIENT_COLUMNS = [
  'client_id',
  'metadata',
  'client_type',
  'status',
  'trusted',
  'secret_hash',
  'previous_secret_hash',
  'previous_secret_expires_at',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
];

/** Inserts client rows straight into the database (fallback, and scale seeding). */
async function insertClientRows(storage, rows) {
  if (storage.kind === 'sqlite') {
    const db = new Database(storage.sqliteFile);
    db.pragma('busy_timeout = 5000');
    const stmt = db.prepare(
      `INSERT INTO oauth_client (${CLIENT_COLUMNS.join(',')}) VALUES (${CLIENT_COLUMNS.map((c) => `@${c}`).join(',')})`,
    );
    db.transaction((all) => all.forEach((r) => stmt.run(r)))(rows);
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: storage.pgUrl });
  await c.connect();
  for (const r of rows) {
    await c.query(
      `INSERT INTO oauth_client (${CLIENT_COLUMNS.join(',')}) VALUES (${CLIENT_COLUMNS.map((_, i) => `$${i + 1}`).join(',')})`,
      CLIENT_COLUMNS.map((k) => (k === 'trusted' ? Boolean(r[k]) : r[k])),
    );
  }
  await c.end();
}

async function registerClient(url, token, metadata) {
  const res = await globalThis.fetch(`${url}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  const text = await res.text();
  if (res.status !== 201)
    throw new Error(`POST /admin/clients → ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/**
 * Registers the bench clients (private_key_jwt ES384 and client_secret_basic) through the admin
 * API, or straight into the database when the admin API cannot. Checks that both get tokens.
 */
export async function setupProduct(server, storage, key) {
  const { url } = server;
  const token = await adminToken(url);
  let keyClientId;
  let basicClientId;
  let basicSecret;
  let via = 'admin API';
  try {
    keyClientId = (await registerClient(url, token, keyClientMetadata(key.publicJwk))).client_id;
    const basicClient = await registerClient(url, token, basicClientMetadata());
    basicClientId = basicClient.client_id;
    basicSecret = basicClient.client_secret;
  } catch (err) {
    via = `database (admin API failed: ${err.message})`;
    keyClientId = `bench-key-${randomBytes(4).toString('hex')}`;
    basicClientId = `bench-basic-${randomBytes(4).toString('hex')}`;
    basicSecret = randomBytes(32).toString('base64url');
    await insertClientRows(storage, [
      clientRow(keyClientId, keyClientMetadata(key.publicJwk)),
      clientRow(basicClientId, basicClientMetadata(), { secret: basicSecret }),
    ]);
  }
  const tokenUrl = `${url}/auth/token`;
  const sign = assertionSigner(key);
  const viaKey = await postForm(
    tokenUrl,
    Object.fromEntries(new URLSearchParams(assertionBody(sign(keyClientId, tokenUrl), SCOPE))),
  );
  if (viaKey.status !== 200)
    throw new Error(`private_key_jwt token: ${viaKey.status} ${viaKey.text}`);
  const viaBasic = await postForm(
    tokenUrl,
    { grant_type: 'client_credentials', scope: SCOPE },
    { authorization: basic(basicClientId, basicSecret) },
  );
  if (viaBasic.status !== 200)
    throw new Error(`client_secret_basic token: ${viaBasic.status} ${viaBasic.text}`);
  return { keyClientId, basicClientId, basicSecret, registeredVia: via };
}

/** A fresh JWT access token of the key client (to introspect) and an introspect bearer. */
export async function introspectionFixture(server, key, keyClientId) {
  const tokenUrl = `${server.url}/auth/token`;
  const res = await postForm(
    tokenUrl,
    Object.fromEntries(
      new URLSearchParams(assertionBody(assertionSigner(key)(keyClientId, tokenUrl), SCOPE)),
    ),
  );
  const bearer = await adminToken(server.url, 'introspect');
  const check = await postForm(
    `${server.url}/auth/introspect`,
    { token: res.json.access_token },
    { authorization: `Bearer ${bearer}` },
  );
  if (check.status !== 200 || check.json?.active !== true) {
    throw new Error(`introspection probe: ${check.status} ${check.text.slice(0, 200)}`);
  }
  return { token: res.json.access_token, bearer };
}

// ---------------------------------------------------------------------------------------------
// Scenario 8: 100,000 clients and 1,000,000 grants, inserted before the server starts.

const grantPayload = (i, now, issuer) =>
  JSON.stringify({
    iat: Math.floor(now / 1000),
    exp: Math.floor(now / 1000) + 14 * 86400,
    accountId: `user-${i % 5000}`,
    clientId: `scale-client-${i % 100000}`,
    kind: 'Grant',
    jti: `grant-${i}`,
    openid: { scope: 'openid fhirUser offline_access' },
    resources: { [issuer]: 'patient/composition-*.rs launch/patient' },
  });

/** Inserts `clients` private_key_jwt clients (all with `publicJwk`) and `grants` Grant rows. */
export async function seedScale(storage, { clients, grants, publicJwk, issuer }) {
  const t0 = performance.now();
  const now = Date.now();
  const metadata = (i) => JSON.stringify(keyClientMetadata(publicJwk, `scale client ${i}`));
  if (storage.kind === 'sqlite') {
    const db = new Database(storage.sqliteFile);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insertClient = db.prepare(
      `INSERT INTO oauth_client (${CLIENT_COLUMNS.join(',')}) VALUES (?, ?, 'confidential-asymmetric', 'approved', 0, NULL, NULL, NULL, 'bench', 'bench', ?, ?)`,
    );
    const insertGrant = db.prepare(
      `INSERT INTO oidc_payload (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at) VALUES ('Grant', ?, ?, NULL, NULL, NULL, ?, NULL)`,
    );
    db.transaction(() => {
      for (let i = 0; i < clients; i += 1)
        insertClient.run(`scale-client-${i}`, metadata(i), now, now);
      const expires = now + 14 * 86400 * 1000;
      for (let i = 0; i < grants; i += 1) {
        const id = createHash('sha256').update(`grant-${i}`).digest('base64url');
        insertGrant.run(id, grantPayload(i, now, issuer), expires);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('ANALYZE');
    db.close();
  } else {
    const c = new pg.Client({ connectionString: storage.pgUrl });
    await c.connect();
    const template = keyClientMetadata(publicJwk, 'scale client %s');
    await c.query(
      `INSERT INTO oauth_client (${CLIENT_COLUMNS.join(',')})
       SELECT 'scale-client-' || i, format($1, i), 'confidential-asymmetric', 'approved', false,
              NULL, NULL, NULL, 'bench', 'bench', $2, $2
       FROM generate_series(0, $3 - 1) AS i`,
      [JSON.stringify(template), now, clients],
    );
    const batch = 250_000;
    for (let start = 0; start < grants; start += batch) {
      const end = Math.min(grants, start + batch);
      await c.query(
        `INSERT INTO oidc_payload (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
         SELECT 'Grant', encode(sha256(convert_to('grant-' || i, 'UTF8')), 'base64'),
                json_build_object(
                  'iat', $1::bigint / 1000, 'exp', $1::bigint / 1000 + 1209600,
                  'accountId', 'user-' || (i % 5000), 'clientId', 'scale-client-' || (i % 100000),
                  'kind', 'Grant', 'jti', 'grant-' || i,
                  'openid', json_build_object('scope', 'openid fhirUser offline_access'),
                  'resources', json_build_object($2::text, 'patient/composition-*.rs launch/patient')
                )::text,
                NULL, NULL, NULL, $1::bigint + 1209600000, NULL
         FROM generate_series($3::int, $4::int - 1) AS i`,
        [now, issuer, start, end],
      );
    }
    await c.query('ANALYZE oauth_client');
    await c.query('ANALYZE oidc_payload');
    await c.end();
  }
  const seconds = round((performance.now() - t0) / 1000, 1);
  log(`seeded ${clients} clients and ${grants} grants into ${storage.kind} in ${seconds} s`);
  return seconds;
}

/** Row counts, to show what the scale run had in its database. */
export async function countRows(storage) {
  const q = [
    'SELECT count(*) AS n FROM oauth_client',
    "SELECT count(*) AS n FROM oidc_payload WHERE model = 'Grant'",
  ];
  if (storage.kind === 'sqlite') {
    const db = new Database(storage.sqliteFile, { readonly: true });
    const [clients, grants] = q.map((s) => db.prepare(s).get().n);
    db.close();
    return { clients, grants };
  }
  const c = new pg.Client({ connectionString: storage.pgUrl });
  await c.connect();
  const out = [];
  for (const s of q) out.push(Number((await c.query(s)).rows[0].n));
  await c.end();
  return { clients: out[0], grants: out[1] };
}
