import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { launchBrowser, saveScreenshot, TestSmartApp } from '../support/browser.js';
import { saveClient } from '../support/clients.js';

const SCOPE = 'launch/patient openid fhirUser patient/composition-*.rs';
const HOME_PAGE = 'https://vitals.example/app';
const PRIVACY = 'https://vitals.example/privacy';
const PRIMARY = '#7a1fa2';
/** What the platform's stylesheet does, so the test can see it applied. */
const BRAND_CSS = 'body{background-color:rgb(250, 247, 235)}';

/** The part of the browser's `window` the test reads (the test compiles without the DOM types). */
interface BrowserGlobal {
  getComputedStyle(element: unknown): { getPropertyValue(name: string): string };
}

/** A second origin serving the logo and the stylesheet (as a CDN would). */
async function startAssets(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/logo.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      return res.end(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#7a1fa2"/></svg>',
      );
    }
    if (req.url?.startsWith('/brand.css')) {
      res.writeHead(200, { 'content-type': 'text/css' });
      return res.end(BRAND_CSS);
    }
    res.writeHead(404);
    return res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/**
 * Branded and translated pages in Chromium (JavaScript off): the platform's name, logo, colour and
 * stylesheet with a CSP that allows exactly their origins; German chosen by `ui_locales` and by
 * `Accept-Language`; the consent page naming the patient and the app's registered pages.
 */
describe('browser: branded and translated pages', () => {
  let storage: TestStorage;
  let t: TestApp;
  let app: TestSmartApp;
  let assets: Awaited<ReturnType<typeof startAssets>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The Content-Security-Policy of every interaction page the browser loaded. */
  let policies: string[];

  beforeAll(async () => {
    app = await TestSmartApp.start();
    assets = await startAssets();
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      SMART_BRAND_NAME: 'Acme Health',
      SMART_BRAND_LOGO_URL: `${assets.url}/logo.svg`,
      SMART_BRAND_PRIMARY_COLOR: PRIMARY,
      SMART_BRAND_STYLESHEET_URL: `${assets.url}/brand.css?v=1`,
    });
    app.issuer = t.url;
    app.clientId = await saveClient(t.app, {
      client_name: 'Vitals chart',
      client_uri: HOME_PAGE,
      policy_uri: PRIVACY,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [app.redirectUri],
      scope: SCOPE,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await storage?.dispose();
    await app?.close();
    assets?.server.closeAllConnections();
    await new Promise((resolve) => assets?.server.close(resolve));
  });
  async function open(options: { locale?: string } = {}): Promise<void> {
    context = await browser.newContext({
      javaScriptEnabled: false,
      extraHTTPHeaders: { 'Accept-Language': options.locale ?? 'en-US,en;q=0.9' },
    });
    page = await context.newPage();
    policies = [];
    page.on('response', (res) => {
      if (res.url().startsWith(`${t.url}/interaction/`) && res.status() === 200) {
        policies.push(res.headers()['content-security-policy'] ?? '');
      }
    });
  }
  afterEach(async () => {
    await context?.close();
  });

  const start = (query: Record<string, string> = {}) =>
    page.goto(`${app.url}/start?${new URLSearchParams({ scope: SCOPE, ...query }).toString()}`);
  const css = (selector: string, property: string) =>
    page
      .locator(selector)
      .first()
      // Runs in the page, where `getComputedStyle` is the browser's.
      .evaluate(
        (el, p) =>
          (globalThis as unknown as BrowserGlobal).getComputedStyle(el).getPropertyValue(p),
        property,
      );

  it('branded: name in titles and banner, logo, primary colour, stylesheet, and a CSP of exactly those origins', async () => {
    await open();
    await start();
    expect(await page.title()).toBe('Sign in to Acme Health');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('header .brand').textContent()).toBe('Acme Health');
    const logo = page.locator('header img');
    expect(await logo.getAttribute('src')).toBe(`${assets.url}/logo.svg`);
    expect(
      await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(40);
    expect(await css('button[type=submit]', 'background-color')).toBe('rgb(122, 31, 162)');
    expect(await css('button[type=submit]', 'color')).toBe('rgb(255, 255, 255)');
    expect(await css('body', 'background-color')).toBe('rgb(250, 247, 235)');
    expect(assets.hits).toEqual(expect.arrayContaining(['/logo.svg', '/brand.css?v=1']));
    await saveScreenshot(page, 'branded-1-login');

    await page.getByLabel('Username').fill('clinician');
    await page.getByLabel('Password').fill('clinician');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a patient' }).waitFor();
    expect(await page.title()).toBe('Choose a patient – Acme Health');
    await saveScreenshot(page, 'branded-2-picker');
    await page.getByLabel('Robin Rivera (born 1990-11-02)').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Allow Vitals chart access?' }).waitFor();
    expect(await page.title()).toBe('Allow access – Acme Health');
    const patient = page.locator('#consent-patient');
    expect(await patient.textContent()).toMatch(/Robin Rivera.*1990-11-02.*pat-002/);
    expect(await page.getByRole('link', { name: 'Home page' }).getAttribute('href')).toBe(
      HOME_PAGE,
    );
    expect(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(
      PRIVACY,
    );
    expect(await page.getByRole('link', { name: 'Terms of use' }).count()).toBe(0);
    await saveScreenshot(page, 'branded-3-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForSelector('#app-done');
    expect((await app.nextCallback()).callback.get('code')).toBeTruthy();

    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const csp of policies) {
      expect(csp).toBe(
        `default-src 'none'; style-src 'unsafe-inline' ${assets.url}; img-src 'self' data: ${assets.url}; frame-ancestors 'none'; base-uri 'none'`,
      );
    }
  });

  it('German by ui_locales=de: every page and the scope descriptions', async () => {
    await open();
    // One scope more than the branded run, whose consent the server remembers for this user.
    await start({ scope: `${SCOPE} profile`, ui_locales: 'fr de' });
    expect(await page.title()).toBe('Bei Acme Health anmelden');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Anmelden');
    expect(await page.locator('main').textContent()).toContain(
      'Vitals chart möchte auf Ihre Gesundheitsdaten zugreifen.',
    );
    await saveScreenshot(page, 'german-1-login');
    await page.getByLabel('Benutzername').fill('clinician');
    await page.getByLabel('Passwort').fill('wrong');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    expect(await page.getByRole('alert').textContent()).toBe(
      'Benutzername oder Passwort ist falsch.',
    );
    await page.getByLabel('Passwort').fill('clinician');
    await page.getByRole('button', { name: 'Anmelden' }).click();

    await page.getByRole('heading', { name: 'Patient auswählen' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('legend').textContent()).toBe('Patienten');
    await saveScreenshot(page, 'german-2-picker');
    await page.getByLabel('Robin Rivera (geboren 1990-11-02)').check();
    await page.getByRole('button', { name: 'Weiter' }).click();

    await page.getByRole('heading', { name: 'Vitals chart den Zugriff erlauben?' }).waitFor();
    expect(await page.title()).toBe('Zugriff erlauben – Acme Health');
    const main = await page.locator('main').textContent();
    expect(main).toContain('Die App bittet darum:');
    expect(main).toContain(
      'Kompositionen aller Vorlagen in der Patientenakte (EHR) des ausgewählten Patienten lesen und suchen',
    );
    expect(main).toContain(
      'Einen Patienten bzw. eine Patientenakte (EHR) zur Bearbeitung auswählen',
    );
    expect(main).toContain('Wissen, wer Sie sind');
    expect(main).toContain('Ihr Basisprofil sehen (etwa Ihren Namen)');
    expect(await page.locator('#consent-patient').textContent()).toMatch(
      /Patient\s*Robin Rivera\s*Geboren\s*1990-11-02/,
    );
    expect(await page.getByRole('link', { name: 'Website' }).getAttribute('href')).toBe(HOME_PAGE);
    await saveScreenshot(page, 'german-3-consent');
    await page.getByRole('button', { name: 'Erlauben' }).click();
    await page.waitForSelector('#app-done');
    await app.nextCallback();
  });

  it('German by Accept-Language (q-values): login and consent, the patient user named with birth date', async () => {
    await open({ locale: 'fr;q=0.9, de-DE;q=0.8, en;q=0.5' });
    await start();
    expect(await page.title()).toBe('Bei Acme Health anmelden');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByLabel('Benutzername').fill('patient');
    await page.getByLabel('Passwort').fill('patient');
    await page.getByRole('button', { name: 'Anmelden' }).click();

    // A patient user has one record: no picker, straight to consent.
    await page.getByRole('heading', { name: 'Vitals chart den Zugriff erlauben?' }).waitFor();
    expect(await page.locator('#consent-patient').textContent()).toMatch(
      /Pat Patterson.*1978-04-12/,
    );
    expect(await page.locator('main').textContent()).toContain(
      'Kompositionen aller Vorlagen in der Patientenakte (EHR) des ausgewählten Patienten lesen und suchen',
    );
    await saveScreenshot(page, 'german-accept-language-consent');
    await page.getByRole('button', { name: 'Ablehnen' }).click();
    await page.waitForSelector('#app-done');
    expect((await app.nextCallback()).callback.get('error')).toBe('access_denied');
  });

  it('error pages follow Accept-Language too (an unknown interaction, in German)', async () => {
    await open({ locale: 'de' });
    const res = await page.goto(`${t.url}/interaction/unknown-uid`);
    expect(res?.status()).toBe(400);
    expect(res?.headers()['content-language']).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sitzung abgelaufen');
    expect(await page.title()).toBe('Sitzung abgelaufen – Acme Health');
  });
});
