import { jest } from '@jest/globals';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import {
  CONSOLE_ADMIN,
  CONSOLE_CLINICIAN,
  consoleSignIn,
  consoleUsersFile,
} from '../support/console.js';
import { startExternalIdp, type ExternalIdp } from '../support/external-idp.js';
import { formField, UserAgent } from '../support/user-agent.js';
import { SmartAuthAdmin } from '../../libs/auth-server/src/admin/auth-admin.port.js';
import { ConsoleSessionService } from '../../libs/auth-server/src/console/console-session.service.js';
import { DatabaseUnavailableError } from '../../libs/auth-server/src/errors/database-unavailable.error.js';
import { ExternalLoginService } from '../../libs/auth-server/src/interaction/external-login.service.js';
import { ExternalLoginRepository } from '../../libs/auth-server/src/persistence/repositories/external-login.repository.js';
import { OidcPayloadRepository } from '../../libs/auth-server/src/persistence/repositories/oidc-payload.repository.js';
import type { Response as ExpressResponse } from 'express';

type Json = Record<string, any>;

/**
 * The admin console's refusals over HTTP: off → 404; no session → sign-in; a non-admin → 403
 * and no session; a form without (or with a wrong) CSRF token → 403 and nothing changes; an idle
 * session → back to the sign-in; the session cookie's attributes.
 */
describe('admin console: refusals', () => {
  let storage: TestStorage;
  let users: Awaited<ReturnType<typeof consoleUsersFile>>;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    users = await consoleUsersFile();
    t = await startTestApp(storage, {
      SMART_USERS_FILE: users.path,
      SMART_CONSOLE_ENABLED: 'true',
      SMART_CONSOLE_IDLE_TIMEOUT_SECONDS: '2',
    });
    clientId = await saveClient(
      t.app,
      { client_name: 'Pending app', token_endpoint_auth_method: 'none' },
      { status: 'pending' },
    );
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    users?.remove();
  });

  const url = (path: string) => `${t.url}/admin/console${path}`;
  const status = async (): Promise<string> => {
    const res = await fetch(`${t.url}/admin/clients/${clientId}`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    return ((await res.json()) as Json).status as string;
  };

  it('sends a visitor without a session to the sign-in', async () => {
    const res = await new UserAgent().request(url('/apps'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/console/login');
  });

  it('sets a HttpOnly, SameSite=Strict session cookie on the console path; a strict CSP', async () => {
    const agent = new UserAgent();
    const res = await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('smart_console='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin\/console/);
    const page = await agent.request(url('/apps'));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a non-admin with 403 and starts no session', async () => {
    const agent = new UserAgent();
    const res = await consoleSignIn(agent, t.url, CONSOLE_CLINICIAN);
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => /^smart_console=[^;]/.test(c))).toBe(false);
    expect((await agent.request(url('/apps'))).status).toBe(303);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-token'],
  ])('refuses a form whose CSRF token is %s with 403; nothing changes', async (_case, token) => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const form: Record<string, string> = { decision: 'approve', reason: 'looks fine' };
    if (token) form.csrf = token;
    const res = await agent.submit(url(`/apps/${clientId}/decide`), form);
    expect(res.status).toBe(403);
    expect(await status()).toBe('pending');
    const del = await agent.submit(url(`/apps/${clientId}/delete`), form);
    expect(del.status).toBe(403);
    expect(await status()).toBe('pending');
  });

  it('refuses a sign-in form without the binding token', async () => {
    const res = await new UserAgent().submit(url('/login'), {
      username: CONSOLE_ADMIN.username,
      password: CONSOLE_ADMIN.password,
    });
    expect(res.status).toBe(403);
  });

  it('ends an idle session: back to the sign-in', async () => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const page = await (await agent.request(url(`/apps/${clientId}`))).text();
    const csrf = formField(page, 'csrf');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const res = await agent.submit(url(`/apps/${clientId}/decide`), {
      csrf,
      decision: 'approve',
      reason: 'too late',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/console/login?expired=1');
    const login = await (await agent.request(url('/login?expired=1'))).text();
    expect(login).toContain('Your console session ended');
    expect(await status()).toBe('pending');
  });

  it('rotates a secret with the default overlap when the overlap field is empty', async () => {
    const app = await saveClient(
      t.app,
      { client_name: 'Secret app', token_endpoint_auth_method: 'client_secret_basic' },
      { secret: 'old-secret-0123456789abcdef' },
    );
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const csrf = formField(await (await agent.request(url(`/apps/${app}`))).text(), 'csrf');
    const res = await agent.submit(url(`/apps/${app}/secret`), { csrf, overlap_seconds: '' });
    expect(res.status).toBe(200);
    const view = (await (
      await fetch(`${t.url}/admin/clients/${app}`, {
        headers: { authorization: `Bearer ${await adminToken(t.url)}` },
      })
    ).json()) as Json;
    const expected = Math.floor(Date.now() / 1000) + 86400;
    expect(Math.abs((view.previous_secret_expires_at as number) - expected)).toBeLessThan(5);
  });

  it.each([
    ['/apps', 'listClients'],
    ['/audit', 'listAudit'],
    ['/keys', 'listSigningKeys'],
    ['/issuers', 'listTrustedIssuers'],
  ] as const)('renders a failure on %s as an HTML 500 page, not JSON', async (path, method) => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const spy = jest
      .spyOn(t.app.get(SmartAuthAdmin), method)
      .mockRejectedValueOnce(new Error('relation "client" does not exist'));
    const res = await agent.request(url(path));
    spy.mockRestore();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Something went wrong');
    expect(html).not.toContain('does not exist');
  });

  it('renders storage unavailable while reading the session as an HTML 503 page', async () => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const spy = jest
      .spyOn(t.app.get(ExternalLoginService), 'findAccount')
      .mockRejectedValueOnce(new DatabaseUnavailableError(new Error('ECONNREFUSED')));
    const res = await agent.request(url('/apps'));
    spy.mockRestore();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Console unavailable');
  });

  it('renders an unknown app as a 404 page', async () => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const res = await agent.request(url('/apps/no-such-app'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

describe('admin console: off by default', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
  });

  it.each(['', '/login', '/apps', '/apps/x'])('answers 404 at /admin/console%s', async (path) => {
    const res = await fetch(`${t.url}/admin/console${path}`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  });

  it('answers 404 to a sign-in post', async () => {
    const res = await fetch(`${t.url}/admin/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=a&password=b',
    });
    expect(res.status).toBe(404);
  });
});

/**
 * The console's test launches, trusted issuers, signing keys and audit trail over HTTP: every
 * changing form refuses a missing or wrong CSRF token with 403 and changes nothing; a session
 * whose account is not (or no longer) an admin gets 403 on every page and form.
 */
describe('admin console: launches, trusted issuers, keys, audit: refusals', () => {
  let storage: TestStorage;
  let users: Awaited<ReturnType<typeof consoleUsersFile>>;
  let t: TestApp;
  const ISSUER = 'https://idp.hospital.example';

  beforeAll(async () => {
    storage = await createTestStorage();
    users = await consoleUsersFile();
    t = await startTestApp(storage, {
      SMART_USERS_FILE: users.path,
      SMART_CONSOLE_ENABLED: 'true',
    });
    const res = await api('POST', '/admin/trusted-issuers', {
      issuer: ISSUER,
      jwks_uri: 'https://idp.hospital.example/jwks',
      allowed_subjects: ['Practitioner/*'],
      allowed_scope: 'user/composition-*.rs',
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    users?.remove();
  });

  const url = (path: string) => `${t.url}/admin/console${path}`;
  async function api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await adminToken(t.url)}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  /** What the forms could change: issuers, published keys, and the audit trail's size. */
  const state = async () => ({
    issuers: ((await (await api('GET', '/admin/trusted-issuers')).json()) as Json).items.map(
      (i: Json) => i.issuer,
    ),
    audit: ((await (await api('GET', '/admin/audit?limit=1')).json()) as Json).total,
    keys: (await (await fetch(`${t.url}/auth/jwks`)).text()).length,
  });
  const forms: [string, Record<string, string>][] = [
    ['/launches', { ehrId: 'ehr-1', patient: 'pat-1', client_id: '' }],
    [
      '/issuers',
      {
        issuer: 'https://other.example',
        jwks_uri: 'https://other.example/jwks',
        allowed_subjects: '*',
        allowed_scope: 'user/composition-*.rs',
      },
    ],
    ['/issuers/remove', { issuer: ISSUER }],
    ['/keys/rotate', {}],
  ];

  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-token'],
  ])('refuses every form whose CSRF token is %s with 403; nothing changes', async (_c, token) => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const before = await state();
    for (const [path, form] of forms) {
      const res = await agent.submit(url(path), token ? { ...form, csrf: token } : form);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect(await state()).toEqual(before);
    expect(before.issuers).toEqual([ISSUER]);
  });

  it('answers 403 to a session whose account is not an admin, on every page and form', async () => {
    // A session as the console starts it, for an account without the admin role (as when the
    // role is withdrawn after sign-in).
    const sessions = t.app.get(ConsoleSessionService);
    let cookie = '';
    sessions.start(
      {
        cookie: (_name: string, value: string) => (cookie = value),
        clearCookie: () => undefined,
      } as unknown as ExpressResponse,
      'sub-carl',
      'password',
    );
    const claims = JSON.parse(Buffer.from(cookie.split('.')[0], 'base64url').toString()) as Json;
    const csrf = sessions.csrf({ sub: 'sub-carl', name: 'Carl', via: 'password', sid: claims.sid });
    const headers = { cookie: `smart_console=${cookie}` };
    const before = await state();
    for (const path of ['/launches', '/issuers', '/keys', '/keys/rotate', '/audit']) {
      const res = await fetch(url(path), { headers, redirect: 'manual' });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    for (const [path, form] of forms) {
      const res = await fetch(url(path), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, csrf }),
        redirect: 'manual',
      });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect(await state()).toEqual(before);
  });

  it('sends a visitor without a session to the sign-in from every new page', async () => {
    for (const path of ['/launches', '/issuers', '/keys', '/keys/rotate', '/audit']) {
      const res = await new UserAgent().request(url(path));
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/admin/console/login');
    }
  });

  it('refuses invalid input with 400 pages that say why, changing nothing', async () => {
    const agent = new UserAgent();
    await consoleSignIn(agent, t.url, CONSOLE_ADMIN);
    const csrf = formField(await (await agent.request(url('/issuers'))).text(), 'csrf');
    const before = await state();
    const noContext = await agent.submit(url('/launches'), { csrf, ehrId: '', patient: '' });
    expect(noContext.status).toBe(400);
    expect(await noContext.text()).toContain('Give an EHR id or a patient id.');
    const badJwks = await agent.submit(url('/issuers'), {
      csrf,
      issuer: 'https://x.example',
      jwks: '{not json',
      allowed_subjects: '*',
      allowed_scope: 'openid',
    });
    expect(badJwks.status).toBe(400);
    const badIssuer = await agent.submit(url('/issuers'), {
      csrf,
      issuer: 'not a url',
      jwks_uri: 'https://x.example/jwks',
      allowed_subjects: '*',
      allowed_scope: 'openid',
    });
    expect(badIssuer.status).toBe(400);
    expect(await badIssuer.text()).toContain('issuer: must be an absolute http or https URL');
    const unknown = await agent.submit(url('/issuers/remove'), {
      csrf,
      issuer: 'https://no.example',
    });
    expect(unknown.status).toBe(404);
    const badDate = await agent.request(url('/audit?from=yesterday'));
    expect(badDate.status).toBe(400);
    expect(await badDate.text()).toContain('from must be epoch milliseconds or an ISO 8601 time');
    expect(await state()).toEqual(before);
  });
});

/**
 * A console session signed in through the identity server reads only the account that server
 * left; once that snapshot is gone (back-channel logout, expiry), the session is over, even when
 * the host has an admin account with the same subject.
 */
describe('admin console: identity-server sessions', () => {
  let storage: TestStorage;
  let users: Awaited<ReturnType<typeof consoleUsersFile>>;
  let idp: ExternalIdp;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    users = await consoleUsersFile();
    idp = await startExternalIdp({ redirectUri: 'http://127.0.0.1/unused', users: [] });
    t = await startTestApp(storage, {
      SMART_USERS_FILE: users.path,
      SMART_CONSOLE_ENABLED: 'true',
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
      SMART_IDP_PASSWORD_LOGIN: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
    await storage?.dispose();
    await idp?.close();
    users?.remove();
  });

  it('goes back to the sign-in once the external account is gone, not to a host account', async () => {
    // `sub-ada` is also the host's admin (users file): the session must not fall back to it.
    await t.app
      .get(ExternalLoginRepository)
      .saveAccount('sub-ada', { sub: 'sub-ada', name: 'Ada via IdP', roles: ['admin'] }, 3600);
    let cookie = '';
    t.app.get(ConsoleSessionService).start(
      {
        cookie: (_name: string, value: string) => (cookie = value),
        clearCookie: () => undefined,
      } as unknown as ExpressResponse,
      'sub-ada',
      'idp',
    );
    const headers = { cookie: `smart_console=${cookie}` };
    const page = await fetch(`${t.url}/admin/console/apps`, { headers, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Ada via IdP');

    await t.app.get(OidcPayloadRepository).forModel('ExternalAccount').destroy('sub-ada');
    const after = await fetch(`${t.url}/admin/console/apps`, { headers, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/admin/console/login?expired=1');
  });

  it('ends when the identity server logs the user out (back-channel logout)', async () => {
    await t.app
      .get(ExternalLoginRepository)
      .saveAccount('sub-kc', { sub: 'sub-kc', name: 'Kim via IdP', roles: ['admin'] }, 3600);
    let cookie = '';
    t.app.get(ConsoleSessionService).start(
      {
        cookie: (_name: string, value: string) => (cookie = value),
        clearCookie: () => undefined,
      } as unknown as ExpressResponse,
      'sub-kc',
      'idp',
    );
    const headers = { cookie: `smart_console=${cookie}` };
    expect(
      (await fetch(`${t.url}/admin/console/apps`, { headers, redirect: 'manual' })).status,
    ).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const logoutToken = await idp.sign(
      {
        iss: idp.issuer,
        aud: idp.clientId,
        iat: now,
        exp: now + 120,
        jti: `logout-${now}-kc`,
        sub: 'sub-kc',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      },
      { typ: 'logout+jwt' },
    );
    const logout = await fetch(`${t.url}/interaction/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
    expect(logout.status).toBe(200);
    const after = await fetch(`${t.url}/admin/console/apps`, { headers, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/admin/console/login?expired=1');
  });
});
