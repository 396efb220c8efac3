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
 * confirmation.
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
});
