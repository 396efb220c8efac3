import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  adminToken,
  basic,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { launchBrowser, saveScreenshot } from '../support/browser.js';
import { postForm, saveClient } from '../support/clients.js';
import { CONSOLE_ADMIN, CONSOLE_CLINICIAN, consoleUsersFile } from '../support/console.js';

type Json = Record<string, any>;

/**
 * The admin console in a real browser (Chromium, JavaScript off: the console needs none): sign-in
 * for admins only, sign-out; the apps with search, filters and paging; an app's page; approve and
 * suspend with a reason that lands in the audit trail; secret rotation shown once; delete after a
 * confirmation; a test EHR launch with the URL to open; trusted issuers; the audit trail with
 * filters; signing keys and their rotation after a confirmation.
 */
describe('browser: the admin console', () => {
  let storage: TestStorage;
  let users: Awaited<ReturnType<typeof consoleUsersFile>>;
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pending: string;
  let confidential: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    users = await consoleUsersFile();
    t = await startTestApp(storage, {
      SMART_USERS_FILE: users.path,
      SMART_CONSOLE_ENABLED: 'true',
    });
    // With the platform's admin client: 22 public apps, a pending one, a confidential one with a
    // secret: 25 apps, two pages of 20.
    for (let i = 1; i <= 22; i++) {
      await saveClient(t.app, {
        client_name: `Diary ${String(i).padStart(2, '0')}`,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`https://diary${i}.example/cb`],
        scope: 'launch/patient openid patient/composition-*.rs',
      });
    }
    pending = await saveClient(
      t.app,
      {
        client_name: 'Growth charts',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['https://charts.example/cb'],
        scope: 'launch openid fhirUser patient/composition-*.r',
        launch_modes: ['ehr'],
      },
      { status: 'pending' },
    );
    confidential = await saveClient(
      t.app,
      {
        client_name: 'Lab importer',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        scope: 'system/composition-*.c',
      },
      { secret: 'first-secret-0123456789abcdef' },
    );
    browser = await launchBrowser();
    context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(8000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await storage?.dispose();
    users?.remove();
  });

  const consoleUrl = (path = '') => `${t.url}/admin/console${path}`;
  const signIn = async (user: { username: string; password: string }) => {
    await context.clearCookies();
    await page.goto(consoleUrl('/login'));
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const fetchClients = async (search: string): Promise<string[]> => {
    const res = await fetch(`${t.url}/admin/clients?limit=200`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    return (((await res.json()) as Json).items as Json[])
      .filter((c) => c.client_name === search)
      .map((c) => c.client_id as string);
  };
  const audit = async (query: string): Promise<Json[]> => {
    const res = await fetch(`${t.url}/admin/audit?${query}`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    return ((await res.json()) as Json).items as Json[];
  };

  it('refuses a signed-in non-admin; lets an admin in; signs out', async () => {
    await page.goto(consoleUrl('/apps'));
    expect(page.url()).toBe(consoleUrl('/login'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Sign in to the admin console',
    );
    await saveScreenshot(page, 'console-sign-in');

    await signIn(CONSOLE_CLINICIAN);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    expect(await page.textContent('main')).toContain('administrator role');
    await saveScreenshot(page, 'console-refused');
    await page.goto(consoleUrl('/apps'));
    expect(page.url()).toBe(consoleUrl('/login'));

    await signIn(CONSOLE_ADMIN);
    await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
    expect(page.url()).toBe(consoleUrl('/apps'));
    expect(await page.textContent('main')).toContain('Signed in as Ada Admin.');
    const cookie = (await context.cookies()).find((c) => c.name === 'smart_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin/console' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign out');
    expect(await page.textContent('main')).toContain('You are signed out of the admin console.');
    await saveScreenshot(page, 'console-signed-out');
    await page.goto(consoleUrl('/apps'));
    expect(page.url()).toBe(consoleUrl('/login'));
  });

  it('lists the apps with search, filters and paging; shows an app in words', async () => {
    await signIn(CONSOLE_ADMIN);
    const table = page.getByRole('table');
    expect(await table.locator('caption').textContent()).toBe('25 apps');
    expect(await table.locator('tbody tr').count()).toBe(20);
    await saveScreenshot(page, 'console-apps');
    await page.getByRole('link', { name: 'Next page' }).click();
    expect(await table.locator('tbody tr').count()).toBe(5);
    expect(await page.textContent('main')).toContain('Page 2 of 2');

    await page.getByLabel('Search (name, client id, redirect URI)').fill('diary1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // diary1, diary10..diary19 by redirect URI.
    expect(await table.locator('caption').textContent()).toBe('11 apps');
    await page.getByLabel('Search (name, client id, redirect URI)').fill('');
    await page.getByLabel('Status').selectOption('pending');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await table.locator('tbody th').allTextContents()).toEqual(['Growth charts']);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Client type').selectOption('confidential-symmetric');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await table.locator('tbody th').allTextContents()).toEqual([
      'Platform administration',
      'Lab importer',
    ]);
    await saveScreenshot(page, 'console-apps-filtered');

    await page.goto(consoleUrl('/apps?status=pending'));
    await page.getByRole('link', { name: 'Growth charts' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Growth charts');
    const main = await page.textContent('main');
    expect(main).toContain('https://charts.example/cb');
    expect(main).toContain('Read compositions of all templates in the selected patient');
    expect(main).toContain('Launch modes');
    expect(await page.getByRole('heading', { name: 'History' }).count()).toBe(1);
    await saveScreenshot(page, 'console-app');
  });

  it('approves and suspends with a reason kept in the audit trail', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.goto(consoleUrl(`/apps/${pending}`));
    // The reason is required (the browser enforces it; the server too).
    await page.getByLabel('Reason (kept in the audit trail)').fill('Reviewed the privacy policy');
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Growth charts is approved.');
    expect(await page.textContent('main')).toContain('Reviewed the privacy policy');
    await saveScreenshot(page, 'console-approved');

    await page.getByLabel('Reason (kept in the audit trail)').fill('Vendor reported a breach');
    await page.getByRole('button', { name: 'Suspend' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Growth charts is suspended');

    const events = await audit(`target_id=${pending}`);
    expect(events.slice(0, 2)).toEqual([
      expect.objectContaining({
        action: 'client.suspend',
        actor: 'console:sub-ada',
        details: expect.objectContaining({ reason: 'Vendor reported a breach' }),
      }),
      expect.objectContaining({
        action: 'client.approve',
        actor: 'console:sub-ada',
        details: expect.objectContaining({ reason: 'Reviewed the privacy policy' }),
      }),
    ]);
  });

  it('rotates a secret (shown once, the old one overlaps) and deletes an app after confirming', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.goto(consoleUrl(`/apps/${confidential}`));
    await page.getByLabel('Overlap period (seconds)').fill('600');
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    expect(await page.textContent('main')).toContain('it is shown only this once');
    const secret = (await page.locator('.secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.textContent('main')).toMatch(/The previous secret works until \d{4}-/);
    await saveScreenshot(page, 'console-secret');
    // Both secrets work during the overlap.
    for (const s of [secret, 'first-secret-0123456789abcdef']) {
      const res = await postForm(
        `${t.url}/auth/token`,
        { grant_type: 'client_credentials', scope: 'system/composition-*.c' },
        { authorization: basic(confidential, s) },
      );
      expect(res.status).toBe(200);
    }
    await page.goto(consoleUrl(`/apps/${confidential}`));
    expect(await page.textContent('main')).not.toContain(secret);

    await page.getByRole('button', { name: 'Delete…' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Delete Lab importer?',
    );
    await saveScreenshot(page, 'console-delete-confirm');
    await page.getByRole('link', { name: 'Keep the app' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Lab importer');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Lab importer is deleted.');
    const gone = await fetch(`${t.url}/admin/clients/${confidential}`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    expect(gone.status).toBe(404);
    expect((await audit(`target_id=${confidential}&action=client.delete`))[0]).toMatchObject({
      actor: 'console:sub-ada',
    });
  });

  it('creates a test EHR launch and shows the launch URL to open', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.getByRole('link', { name: 'Test launch' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Test an EHR launch');
    const diary = (await fetchClients('Diary 01'))[0];
    await page.getByLabel('App', { exact: true }).selectOption(diary);
    await page.getByLabel('EHR id').fill('7d44b88c-4199-4bad-97dc-d78268e01398');
    await page.getByLabel('Patient id').fill('pat-001');
    await page.getByLabel('Launch URL of the app (optional)').fill('https://diary1.example/launch');
    await page.getByRole('button', { name: 'Create the launch' }).click();
    expect(await page.getByRole('status').textContent()).toBe(
      'Launch created for Diary 01. It works once and expires soon.',
    );
    const href = (await page.locator('.secret a').getAttribute('href'))!;
    const opened = new URL(href);
    expect(opened.origin + opened.pathname).toBe('https://diary1.example/launch');
    expect(opened.searchParams.get('iss')).toBe(t.url);
    const launch = opened.searchParams.get('launch')!;
    expect(launch.length).toBeGreaterThan(10);
    expect(await page.textContent('main')).toContain('Expires in 300 seconds.');
    await saveScreenshot(page, 'console-launch');
    const [event] = await audit(`action=launch.create&target_id=${diary}`);
    expect(event).toMatchObject({
      actor: 'console:sub-ada',
      details: expect.objectContaining({ ehrId: '7d44b88c-4199-4bad-97dc-d78268e01398' }),
    });
  });

  it('adds and removes a trusted issuer', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.getByRole('link', { name: 'Trusted issuers' }).click();
    expect(await page.textContent('main')).toContain('No trusted issuer.');
    await page.getByLabel('Issuer', { exact: true }).fill('https://idp.hospital.example');
    await page.getByLabel('JWKS URL').fill('https://idp.hospital.example/jwks');
    await page.getByLabel('Subjects it may assert').fill('Practitioner/*\nRelatedPerson/7');
    await page.getByLabel('Scopes it may assert').fill('user/composition-*.rs');
    await page.getByRole('button', { name: 'Save the issuer' }).click();
    expect(await page.getByRole('status').textContent()).toBe(
      'https://idp.hospital.example is trusted.',
    );
    const row = page.getByRole('row', { name: /idp\.hospital\.example/ });
    expect(await row.textContent()).toContain('RelatedPerson/7');
    await saveScreenshot(page, 'console-issuers');
    const listed = await fetch(`${t.url}/admin/trusted-issuers`, {
      headers: { authorization: `Bearer ${await adminToken(t.url)}` },
    });
    expect(((await listed.json()) as Json).items).toEqual([
      expect.objectContaining({
        issuer: 'https://idp.hospital.example',
        allowedSubjects: ['Practitioner/*', 'RelatedPerson/7'],
      }),
    ]);

    await page.getByRole('button', { name: 'Remove https://idp.hospital.example' }).click();
    expect(await page.getByRole('status').textContent()).toBe(
      'https://idp.hospital.example is no longer trusted.',
    );
    expect(await page.textContent('main')).toContain('No trusted issuer.');
    const events = await audit('target_type=trusted_issuer');
    expect(events.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'console:sub-ada trusted_issuer.delete',
      'console:sub-ada trusted_issuer.save',
    ]);
  });

  it('shows the audit trail filtered by who, what, when and which app, in the database', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.getByRole('link', { name: 'Audit trail' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit trail');
    await page.getByLabel('Who (actor, e.g. console:sub-ada)').fill('console:sub-ada');
    await page.getByLabel('App (client id)').fill(pending);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table');
    expect(await table.locator('caption').textContent()).toBe('2 events');
    expect(await table.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual([
      'client.suspend',
      'client.approve',
    ]);
    expect(await table.textContent()).toContain('Vendor reported a breach');
    await page.getByLabel('What (action, e.g. client.suspend)').fill('client.approve');
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From (date, UTC)').fill(today);
    await page.getByLabel('To (date, UTC)').fill(today);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await table.locator('caption').textContent()).toBe('1 event');
    await saveScreenshot(page, 'console-audit');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('To (date, UTC)').fill(yesterday);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await page.textContent('main')).toContain('No event matches.');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.goto(consoleUrl(`/audit?from=${tomorrow}`));
    expect(await page.textContent('main')).toContain('No event matches.');
  });

  it('lists the signing keys with their age and rotates them after a confirmation', async () => {
    await signIn(CONSOLE_ADMIN);
    await page.getByRole('link', { name: 'Signing keys' }).click();
    const rows = page.locator('tbody tr');
    const before = await rows.count();
    expect(before).toBeGreaterThan(0);
    expect(await rows.locator('td:nth-child(3)').allTextContents()).toEqual(
      Array(before).fill('Active'),
    );
    expect(await rows.locator('td:nth-child(4)').first().textContent()).toMatch(/^\d+ d \d+ h$/);
    await saveScreenshot(page, 'console-keys');

    await page.getByRole('button', { name: 'Rotate the keys…' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Rotate the signing keys?',
    );
    await saveScreenshot(page, 'console-keys-confirm');
    await page.getByRole('link', { name: 'Keep the current keys' }).click();
    expect(await rows.count()).toBe(before);
    await page.getByRole('button', { name: 'Rotate the keys…' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    expect(await page.getByRole('status').textContent()).toBe(`${before} new keys published.`);
    const states = await rows.locator('td:nth-child(3)').allTextContents();
    expect(states.filter((s) => s === 'Retiring')).toHaveLength(before);
    expect(states.filter((s) => s === 'Published, not signing yet')).toHaveLength(before);
    expect(await page.textContent('main')).toMatch(/signs from \d{4}-/);
    const [event] = await audit('action=keys.rotate');
    expect(event).toMatchObject({ actor: 'console:sub-ada' });
  });
});
