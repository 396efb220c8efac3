import { connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrailService, type AuditEvent } from '@smart-openehr/auth-server';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { REDIRECT_URI } from '../support/smart-flow.js';

export const SCOPE = 'system/composition-*.rs';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const SECRET = 'a-client-secret-0123456789abcdef';

/** An app on fresh storage, closed (and its storage removed) by `close`. */
export interface SecurityApp extends TestApp {
  storage: TestStorage;
}

export async function startSecurityApp(env: Record<string, string> = {}): Promise<SecurityApp> {
  const storage = await createTestStorage();
  const t = await startTestApp(storage, env);
  return {
    ...t,
    storage,
    close: async () => {
      await t.close();
      await storage.dispose();
    },
  };
}

/** Rows the engine stores per issued artefact (codes, tokens, grants, sessions...). */
const ISSUED_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'Grant',
  'PushedAuthorizationRequest',
];

/** How many issued artefacts are stored now. */
export async function storedArtefacts(app: INestApplication): Promise<number> {
  const list = ISSUED_MODELS.map((m) => `'${m}'`).join(', ');
  const [row] = await app
    .get(DataSource)
    .query<{ n: unknown }[]>(`SELECT COUNT(*) AS n FROM oidc_payload WHERE model IN (${list})`);
  return Number(row.n);
}

/** Parsed JSON body (or the raw text when it is not JSON). */
export async function bodyOf(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Asserts an OAuth error answer: exact status and `error`, no token in the body, no caching, and
 * no redirect.
 */
export async function expectOAuthError(
  res: Response,
  status: number,
  error: string,
): Promise<Record<string, unknown>> {
  const body = await bodyOf(res);
  expect({ status: res.status, error: body?.error }).toEqual({ status, error });
  for (const leaked of ['access_token', 'refresh_token', 'id_token', 'code']) {
    expect(body).not.toHaveProperty(leaked);
  }
  expect(res.headers.get('location')).toBeNull();
  return body as Record<string, unknown>;
}

/** A client_secret_basic backend client. */
export function secretClient(app: INestApplication, scope = SCOPE): Promise<string> {
  return saveClient(
    app,
    {
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      scope,
    },
    { secret: SECRET },
  );
}

/** A public SMART app with the standard test redirect URI. */
export function publicApp(app: INestApplication, extra: Record<string, unknown> = {}) {
  return saveClient(app, {
    client_name: 'Security test app',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    scope: 'launch/patient openid fhirUser offline_access patient/composition-*.rs',
    ...extra,
  });
}

/** The audit events stored so far, newest first (optionally one action). */
export async function auditEvents(app: INestApplication, action?: string): Promise<AuditEvent[]> {
  const { items } = await app.get(AuditTrailService).list({ limit: 500, offset: 0, action });
  return items;
}

/** Polls until `probe` holds (audit rows are written after the answer). */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

/** What a raw HTTP exchange produced. */
export interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** Milliseconds until the connection ended or the answer was complete. */
  ms: number;
}

/**
 * Sends raw bytes to the app and reads until the server closes or `timeoutMs` passes; `halfClose`
 * ends our side after writing (a truncated upload).
 */
export function rawRequest(
  url: string,
  bytes: Buffer | string,
  options: { halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({
        status,
        head,
        body: split >= 0 ? text.slice(split + 4) : '',
        ms: Date.now() - started,
      });
    };
    socket.setTimeout(options.timeoutMs ?? 10_000, () => {
      socket.destroy();
      finish();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      socket.end();
      finish();
    });
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}
