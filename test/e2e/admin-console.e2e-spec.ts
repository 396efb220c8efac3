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
import { formField, UserAgent } from '../support/user-agent.js';

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
