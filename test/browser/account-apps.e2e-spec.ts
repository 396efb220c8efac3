import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { launchBrowser } from '../support/browser.js';
import { postForm, saveClient } from '../support/clients.js';
import { authorizeAsUser, redeem, REDIRECT_URI } from '../support/smart-flow.js';

type Json = Record<string, any>;

const SCOPE = 'launch/patient openid offline_access patient/composition-*.rs';

/**
 * The account page in a real browser (Chromium, JavaScript off): a patient follows the link
 * without a session, signs in on the page, sees the apps holding access (a trusted one too),
 * revokes one, and that app's tokens stop working while the other's keep working.
 */
describe('browser: the account page', () => {
  let storage: TestStorage;
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let diary: string;
  let portal: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
    const app = {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPE,
    };
    diary = await saveClient(t.app, { client_name: 'Symptom diary', ...app });
    portal = await saveClient(t.app, { client_name: 'Clinic portal', ...app }, { trusted: true });
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
  });

  /** The patient used the app earlier (elsewhere): its tokens. */
  const tokensFor = async (clientId: string): Promise<Json> => {
    const flow = await authorizeAsUser({
      base: t.url,
      clientId,
      scope: SCOPE,
      username: 'patient',
      password: 'patient',
    });
    return (await (await redeem(t.url, clientId, flow)).json()) as Json;
  };
  const introspect = async (token: string): Promise<boolean> => {
    const bearer = `Bearer ${await adminToken(t.url, 'introspect')}`;
    const res = await postForm(`${t.url}/auth/introspect`, { token }, { authorization: bearer });
    return ((await res.json()) as Json).active as boolean;
  };
  const refresh = async (clientId: string, token: string): Promise<Json> => {
    const res = await postForm(`${t.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: clientId,
    });
    return { status: res.status, ...((await res.json()) as Json) };
  };

  it('signs in from the page, lists the apps (trusted too), revokes one; its tokens stop working', async () => {
    const diaryTokens = await tokensFor(diary);
    const portalTokens = await tokensFor(portal);

    await page.goto(`${t.url}/account/apps`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('Username').fill('patient');
    await page.getByLabel('Password').fill('patient');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Apps with access to your records' }).waitFor();
    expect(page.url()).toBe(`${t.url}/account/apps`);
    const section = (name: string) =>
      page.locator('section', { has: page.getByRole('heading', { level: 2, name }) });
    expect(await section('Symptom diary').count()).toBe(1);
    expect(await section('Clinic portal').count()).toBe(1);
    expect(await section('Clinic portal').textContent()).toContain('Your provider trusts this app');
    expect(await section('Symptom diary').getByRole('listitem').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "Read and search compositions of all templates in the selected patient's EHR",
        ),
      ]),
    );
    expect(await section('Symptom diary').textContent()).toMatch(/Last used: \d{4}-\d\d-\d\d/);

    await section('Symptom diary').getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('heading', { name: 'Apps with access to your records' }).waitFor();
    expect(page.url()).toBe(`${t.url}/account/apps`);
    expect(await section('Symptom diary').count()).toBe(0);
    expect(await section('Clinic portal').count()).toBe(1);

    // The revoked app's tokens stop working at the authorization server...
    expect(await introspect(diaryTokens.access_token)).toBe(false);
    expect(await refresh(diary, diaryTokens.refresh_token)).toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
    // ...the other app's keep working.
    expect(await introspect(portalTokens.access_token)).toBe(true);
    expect((await refresh(portal, portalTokens.refresh_token)).status).toBe(200);
  });
});
