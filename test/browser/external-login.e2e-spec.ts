import type { Browser } from 'playwright-core';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';
import { launchBrowser, TestSmartApp } from '../support/browser.js';
import { saveClient } from '../support/clients.js';
import { startExternalIdp, type ExternalIdp } from '../support/external-idp.js';
import { freePort } from '../support/free-port.js';

const THIRD_EHR = 'b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e';

const claimsOf = (jwt: unknown) =>
  JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;

/**
 * Login through an external OpenID Connect provider (a second oidc-provider the test runs): the
 * platform's login step sends the browser there, the provider's claims become the local account.
 */
describe('browser: login through an external OpenID Connect provider', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let app: TestSmartApp;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    const platform = `http://127.0.0.1:${port}`;
    idp = await startExternalIdp({
      redirectUri: `${platform}/interaction/callback/idp`,
      users: [
        {
          username: 'dr.who',
          password: 'tardis-42',
          claims: {
            sub: 'idp-practitioner-7',
            name: 'Dr Who',
            fhirUser: 'Practitioner/ext-7',
            roles: ['practitioner'],
          },
        },
      ],
    });
    app = await TestSmartApp.start();
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
    });
    app.issuer = t.url;
    app.clientId = await saveClient(t.app, {
      client_name: 'Ward list',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [app.redirectUri],
      scope: 'launch/patient openid fhirUser profile patient/composition-*.rs',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await storage?.dispose();
    await idp?.close();
    await app?.close();
  });

  it('signs in at the provider, picks a patient, consents; the tokens name the external user', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      context.setDefaultTimeout(8000);
      const page = await context.newPage();
      await page.goto(
        `${app.url}/start?scope=${encodeURIComponent('launch/patient openid fhirUser profile patient/composition-*.rs')}`,
      );
      // The platform has no login form of its own now: the browser is at the provider.
      expect(page.url().startsWith(`${idp.issuer}/interaction/`)).toBe(true);
      await page.getByLabel('Username').fill('dr.who');
      await page.getByLabel('Password').fill('tardis-42');
      await page.getByRole('button', { name: 'Sign in at the hospital' }).click();

      await page.getByRole('heading', { name: 'Choose a patient' }).waitFor();
      expect(page.url().startsWith(`${t.url}/interaction/`)).toBe(true);
      await page.getByLabel('Alex Andersen (born 1955-02-27)').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForSelector('#app-done');

      expect(idp.logins).toEqual(['dr.who']);
      const body = await app.redeem(await app.nextCallback());
      expect(body).toMatchObject({ ehrId: THIRD_EHR, patient: 'pat-003' });
      expect(claimsOf(body.id_token)).toMatchObject({
        iss: t.url,
        sub: 'idp-practitioner-7',
        fhirUser: 'Practitioner/ext-7',
        name: 'Dr Who',
      });
      expect(claimsOf(body.access_token)).toMatchObject({
        sub: 'idp-practitioner-7',
        fhirUser: 'Practitioner/ext-7',
        ehrId: THIRD_EHR,
      });
    } finally {
      await context.close();
    }
  });
});

/**
 * Both logins at once (`SMART_IDP_PASSWORD_LOGIN=true`): the login page offers the password form
 * and a button to the identity server; either way signs the user in.
 */
describe('browser: the password login and the identity server offered together', () => {
  let storage: TestStorage;
  let t: TestApp;
  let idp: ExternalIdp;
  let app: TestSmartApp;
  let browser: Browser;
  const scope = 'openid fhirUser profile user/composition-*.rs';

  beforeAll(async () => {
    const port = await freePort();
    idp = await startExternalIdp({
      redirectUri: `http://127.0.0.1:${port}/interaction/callback/idp`,
      users: [
        {
          username: 'dr.kc',
          password: 'kc-pass-1',
          claims: {
            sub: 'kc-practitioner-1',
            preferred_username: 'dr.kc',
            fhirUser: 'Practitioner/kc-1',
            realm_access: { roles: ['practitioner'] },
          },
        },
      ],
    });
    app = await TestSmartApp.start();
    storage = await createTestStorage();
    t = await startTestApp(storage, {
      PORT: String(port),
      SMART_IDP_ISSUER: idp.issuer,
      SMART_IDP_CLIENT_ID: idp.clientId,
      SMART_IDP_CLIENT_SECRET: idp.clientSecret,
      SMART_IDP_PASSWORD_LOGIN: 'true',
    });
    app.issuer = t.url;
    app.clientId = await saveClient(t.app, {
      client_name: 'Ward list',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [app.redirectUri],
      scope,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await storage?.dispose();
    await idp?.close();
    await app?.close();
  });

  /** Opens the app's authorization in a fresh browser; the page is at the platform's login. */
  const atLogin = async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await page.goto(`${app.url}/start?scope=${encodeURIComponent(scope)}`);
    expect(page.url().startsWith(`${t.url}/interaction/`)).toBe(true);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    return { context, page };
  };

  it('the password form signs in a user of the built-in login', async () => {
    const { context, page } = await atLogin();
    try {
      await page.getByLabel('Username').fill('clinician');
      await page.getByLabel('Password').fill('clinician');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForSelector('#app-done');
      const body = await app.redeem(await app.nextCallback());
      expect(claimsOf(body.id_token)).toMatchObject({ sub: 'clinician' });
      expect(idp.logins).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the button sends the user to the identity server, and back signed in as its user', async () => {
    const { context, page } = await atLogin();
    try {
      await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();
      expect(page.url().startsWith(`${idp.issuer}/interaction/`)).toBe(true);
      await page.getByLabel('Username').fill('dr.kc');
      await page.getByLabel('Password').fill('kc-pass-1');
      await page.getByRole('button', { name: 'Sign in at the hospital' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForSelector('#app-done');
      const body = await app.redeem(await app.nextCallback());
      expect(body.scope).toContain('user/composition-*.rs');
      expect(claimsOf(body.id_token)).toMatchObject({
        sub: 'kc-practitioner-1',
        fhirUser: 'Practitioner/kc-1',
        name: 'dr.kc',
      });
      expect(idp.logins).toEqual(['dr.kc']);
    } finally {
      await context.close();
    }
  });
});
