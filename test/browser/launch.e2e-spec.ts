import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { launchBrowser, TestSmartApp } from '../support/browser.js';
import { saveClient } from '../support/clients.js';

const PATIENT_EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const SECOND_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const APP_SCOPE =
  'launch launch/patient openid fhirUser profile offline_access patient/composition-*.cruds user/composition-*.rs patient/aql-*.rs';

const claimsOf = (jwt: unknown) =>
  JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
const scopesOf = (body: Record<string, unknown>) => String(body.scope).split(' ').sort();

/**
 * The user-facing flows in a real browser (Chromium, JavaScript off: every page works without it):
 * standalone launch as a practitioner (picker) and as a patient (no picker, a scope unticked), and
 * an EHR launch embedded in the launcher's page (iframe, launch handle).
 */
describe('browser: standalone and embedded EHR launch', () => {
  let storage: TestStorage;
  let t: TestApp;
  let app: TestSmartApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    app = await TestSmartApp.start();
    storage = await createTestStorage();
    // The test app's origin is also the EHR launcher that frames the pages.
    t = await startTestApp(storage, { SMART_LAUNCHER_ORIGINS: app.url });
    app.issuer = t.url;
    app.clientId = await saveClient(t.app, {
      client_name: 'Vitals chart',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [app.redirectUri],
      scope: APP_SCOPE,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await storage?.dispose();
    await app?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  it('standalone launch as a practitioner: keyboard login, patient picker, consent', async () => {
    await page.goto(
      `${app.url}/start?scope=${encodeURIComponent('launch/patient openid fhirUser patient/composition-*.rs user/composition-*.rs')}`,
    );
    expect(await page.title()).toBe('Sign in to SMART on openEHR');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    // Keyboard only: the first Tab reaches the username, Enter submits.
    await page.keyboard.press('Tab');
    expect(await page.locator('#username:focus').count()).toBe(1);
    await page.keyboard.type('clinician');
    await page.keyboard.press('Tab');
    expect(await page.locator('#password:focus').count()).toBe(1);
    await page.keyboard.type('clinician');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Choose a patient' }).waitFor();
    expect(await page.locator('input[type=radio][name=ehrId]').count()).toBe(3);
    await page.getByLabel('Robin Rivera (born 1990-11-02)').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Allow Vitals chart access?' }).waitFor();
    const boxes = page.locator('input[type=checkbox][name=scope]');
    expect(await boxes.count()).toBe(5);
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForSelector('#app-done');
    const auth = await app.nextCallback();
    expect(auth.callback.get('state')).toBe(auth.state);
    expect(auth.callback.get('iss')).toBe(t.url);
    const body = await app.redeem(auth);
    expect(body).toMatchObject({ ehrId: SECOND_EHR, patient: 'pat-002' });
    expect(scopesOf(body)).toEqual(
      [
        'fhirUser',
        'launch/patient',
        'openid',
        'patient/composition-*.rs',
        'user/composition-*.rs',
      ].sort(),
    );
    expect(claimsOf(body.id_token)).toMatchObject({
      sub: 'clinician',
      fhirUser: 'Practitioner/clinician',
    });
  });

  it('standalone launch as a patient: no picker; a scope unticked on the consent page is not granted', async () => {
    await page.goto(
      `${app.url}/start?scope=${encodeURIComponent('launch/patient openid patient/composition-*.rs patient/aql-*.rs')}`,
    );
    await page.getByLabel('Username').fill('patient');
    await page.getByLabel('Password').fill('patient');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Straight to consent: a patient user has exactly one record.
    await page.getByRole('heading', { name: 'Allow Vitals chart access?' }).waitFor();
    expect(await page.locator('input[name=ehrId]').count()).toBe(0);
    const aql = page.getByLabel(/\(patient\/aql-\*\.rs\)/);
    expect(await aql.isChecked()).toBe(true);
    await aql.uncheck();
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForSelector('#app-done');
    const body = await app.redeem(await app.nextCallback());
    expect(body.ehrId).toBe(PATIENT_EHR);
    expect(scopesOf(body)).toEqual(['launch/patient', 'openid', 'patient/composition-*.rs']);
    expect(claimsOf(body.access_token).scope).toBe(body.scope);
  });

  it('EHR launch embedded in the launcher page: the framed pages load, the launch handle sets the context', async () => {
    const admin = await adminToken(t.url, 'launch:create');
    const created = await fetch(`${t.url}/admin/launches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ehrId: PATIENT_EHR,
        patient: 'pat-001',
        encounter: 'enc-42',
        client_id: app.clientId,
      }),
    });
    expect(created.status).toBe(201);
    const { launch } = (await created.json()) as { launch: string };
    app.launchScope = 'launch openid fhirUser patient/composition-*.rs';
    const framing: string[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(`${t.url}/interaction/`) && res.status() === 200) {
        framing.push(res.headers()['content-security-policy'] ?? '');
      }
    });

    await page.goto(`${app.url}/ehr?launch=${encodeURIComponent(launch)}`);
    const frame = page.frameLocator('iframe[title="SMART app"]');
    await frame.getByLabel('Username').fill('clinician');
    await frame.getByLabel('Password').fill('clinician');
    await frame.getByRole('button', { name: 'Sign in' }).click();
    // No picker: the launch carries the patient, named on the consent page from the directory.
    expect(await frame.locator('#consent-patient').textContent()).toMatch(
      /Pat Patterson.*1978-04-12/,
    );
    await frame.getByRole('button', { name: 'Allow' }).click();
    await frame.locator('#app-done').waitFor();

    expect(page.url()).toBe(`${app.url}/ehr?launch=${encodeURIComponent(launch)}`);
    expect(framing.length).toBeGreaterThanOrEqual(2);
    for (const csp of framing) expect(csp).toContain(`frame-ancestors ${app.url}`);
    const body = await app.redeem(await app.nextCallback());
    expect(body).toMatchObject({
      ehrId: PATIENT_EHR,
      patient: 'pat-001',
      encounter: 'enc-42',
      need_patient_banner: true,
    });
    expect(scopesOf(body)).toEqual(['fhirUser', 'launch', 'openid', 'patient/composition-*.rs']);
  });
});
