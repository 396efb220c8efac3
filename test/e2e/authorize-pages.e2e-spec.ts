import { createTestStorage, startTestApp } from '../support/app.harness.js';
import { saveClient } from '../support/clients.js';
import { redeem, REDIRECT_URI } from '../support/smart-flow.js';
import { formAction, formField, pkce, UserAgent } from '../support/user-agent.js';

const SECOND_EHR = '0f6a1c8e-2d3b-4e5f-9a7b-1c2d3e4f5a6b';
const APP_SCOPE = 'launch/patient openid fhirUser patient/composition-*.rs patient/aql-*.rs';

interface Page {
  res: Response;
  url: string;
  html: string;
}

async function setUp(env: Record<string, string> = {}) {
  const storage = await createTestStorage();
  const t = await startTestApp(storage, env);
  const clientId = await saveClient(t.app, {
    client_name: 'Lab results',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    scope: APP_SCOPE,
  });

  /** The login page of a new authorization in `agent`. */
  const start = async (agent: UserAgent, scope = APP_SCOPE) => {
    const { verifier, challenge } = pkce();
    const step = await agent.follow(
      `${t.url}/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope,
        state: 'st-pages',
        aud: t.url,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
      t.url,
    );
    const page: Page = { ...step, html: await step.res.text() };
    return { page, verifier };
  };

  /** Submits the form of `page` and follows the answer to the next page (or the app). */
  const submit = async (
    agent: UserAgent,
    page: Page,
    form: Record<string, string | string[]>,
  ): Promise<Page> => {
    const action = new URL(formAction(page.html), page.url).href;
    const res = await agent.submit(action, form);
    if (res.status < 300 || res.status >= 400) return { res, url: action, html: await res.text() };
    const next = await agent.follow(new URL(res.headers.get('location')!, action).href, t.url);
    return { ...next, html: next.url.startsWith(t.url) ? await next.res.text() : '' };
  };

  const login = (agent: UserAgent, page: Page, user: string) =>
    submit(agent, page, { csrf: formField(page.html, 'csrf'), username: user, password: user });

  return { storage, t, clientId, start, submit, login };
}

/** Every visible control has a label; one h1; a language; no script (works without JavaScript). */
function expectAccessible(html: string): void {
  expect(html).toMatch(/^<!doctype html><html lang="en">/);
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html.match(/<h1>/g)).toHaveLength(1);
  expect(html).not.toMatch(/<script/i);
  expect(html).toMatch(/<form method="post" action="[^"]+">/);
  const controls = [...html.matchAll(/<input type="(text|password|checkbox|radio)" id="([^"]+)"/g)];
  expect(controls.length).toBeGreaterThan(0);
  for (const [, , id] of controls) expect(html).toContain(`<label for="${id}">`);
  for (const button of html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)) {
    expect(button[1].trim()).not.toBe('');
  }
  if (/type="(checkbox|radio)"/.test(html)) expect(html).toMatch(/<fieldset><legend>[^<]+</);
}

/**
 * The interaction pages: framing (clickjacking) headers, CSRF on every form, binding to the
 * browser, what a form may submit, and accessibility (labels, no JavaScript needed).
 * @see /work/shared/docs/security-requirements.md B.1 items 14 and 15
 */
describe('interaction pages: headers, CSRF, form checks, accessibility', () => {
  let s: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(async () => {
    await s.t.close();
    await s.storage.dispose();
  });

  const expectNotFramable = (res: Response) => {
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  it('login, picker and consent pages: not framable, no caching, accessible without JavaScript', async () => {
    const agent = new UserAgent();
    const { page: loginPage } = await s.start(agent);
    expect(loginPage.res.status).toBe(200);
    expectNotFramable(loginPage.res);
    expectAccessible(loginPage.html);
    expect(loginPage.html).toContain('name="username"');
    expect(loginPage.html).toContain('name="password"');
    expect(loginPage.html.match(/<button/g)).toHaveLength(1);

    // A form POST is answered with 303 (see other), never 307.
    const posted = await agent.submit(new URL(formAction(loginPage.html), loginPage.url).href, {
      csrf: formField(loginPage.html, 'csrf'),
      username: 'clinician',
      password: 'clinician',
    });
    expect(posted.status).toBe(303);
    const next = await agent.follow(
      new URL(posted.headers.get('location')!, s.t.url).href,
      s.t.url,
    );
    const picker: Page = { ...next, html: await next.res.text() };
    expect(picker.html).toContain('name="ehrId"');
    expectNotFramable(picker.res);
    expectAccessible(picker.html);

    const consent = await s.submit(agent, picker, {
      csrf: formField(picker.html, 'csrf'),
      ehrId: SECOND_EHR,
    });
    expectNotFramable(consent.res);
    expectAccessible(consent.html);
    expect(consent.html).toContain('name="decision" value="allow"');
    expect(consent.html).toContain('name="decision" value="deny"');
    expect(consent.html.match(/type="checkbox" id="[^"]+" name="scope"/g)).toHaveLength(5);
  });

  it('a wrong password shows the login page again with an alert', async () => {
    const agent = new UserAgent();
    const { page } = await s.start(agent);
    const again = await s.submit(agent, page, {
      csrf: formField(page.html, 'csrf'),
      username: 'patient',
      password: 'not-the-password',
    });
    expect(again.res.status).toBe(401);
    expectNotFramable(again.res);
    expect(again.html).toContain('role="alert"');
    expect(again.html).toContain('value="patient"');
    expectAccessible(again.html);
  });

  it('engine error pages are not framable either', async () => {
    const res = await fetch(`${s.t.url}/auth/authorize?client_id=unknown`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  describe('CSRF: every form refuses a missing, wrong or foreign token', () => {
    it('login', async () => {
      const agent = new UserAgent();
      const { page } = await s.start(agent);
      // Another interaction's token (from another browser, as an attacker would have one).
      const { page: other } = await s.start(new UserAgent());
      for (const csrf of [undefined, 'forged', formField(other.html, 'csrf')]) {
        const res = await s.submit(agent, page, {
          ...(csrf ? { csrf } : {}),
          username: 'patient',
          password: 'patient',
        });
        expect(res.res.status).toBe(403);
        expect(res.html).toContain('Request refused');
      }
      // The genuine token still works.
      const ok = await s.login(agent, page, 'patient');
      expect(ok.html).toContain('name="decision"');
    });

    it('picker and consent', async () => {
      const agent = new UserAgent();
      const { page } = await s.start(agent);
      const picker = await s.login(agent, page, 'clinician');
      const forgedPick = await s.submit(agent, picker, { csrf: 'forged', ehrId: SECOND_EHR });
      expect(forgedPick.res.status).toBe(403);
      const consent = await s.submit(agent, picker, {
        csrf: formField(picker.html, 'csrf'),
        ehrId: SECOND_EHR,
      });
      const forgedConsent = await s.submit(agent, consent, { decision: 'allow', scope: 'openid' });
      expect(forgedConsent.res.status).toBe(403);
      expect(forgedConsent.url.startsWith(s.t.url)).toBe(true);
    });
  });

  it('an interaction cannot be continued from another browser', async () => {
    const { page } = await s.start(new UserAgent());
    const stranger = new UserAgent();
    const shown = await stranger.request(page.url);
    expect(shown.status).toBe(400);
    expect(await shown.text()).toContain('Session expired');
    const posted = await s.submit(stranger, page, {
      csrf: formField(page.html, 'csrf'),
      username: 'patient',
      password: 'patient',
    });
    expect(posted.res.status).toBe(400);
  });

  it("a form posted to one interaction's URL never acts on another interaction of the browser", async () => {
    const agent = new UserAgent();
    const { page: first } = await s.start(agent);
    // This test agent keeps one `_interaction` cookie: now the second interaction's.
    const { page: second } = await s.start(agent);
    const res = await s.submit(agent, first, {
      csrf: formField(second.html, 'csrf'),
      username: 'patient',
      password: 'patient',
    });
    expect(res.res.status).toBe(400);
    expect(res.html).toContain('Session expired');
  });

  it('the picker refuses a record it did not offer', async () => {
    const agent = new UserAgent();
    const { page } = await s.start(agent);
    // A patient user is offered no picker, and cannot pick someone else's record.
    const consent = await s.login(agent, page, 'patient');
    expect(consent.html).toContain('name="decision"');
    const pickAction = formAction(consent.html).replace(/\/consent$/, '/pick');
    const res = await agent.submit(new URL(pickAction, s.t.url).href, {
      csrf: formField(consent.html, 'csrf'),
      ehrId: SECOND_EHR,
    });
    expect(res.status).toBe(403);
  });

  it('the consent form cannot add a scope it did not offer', async () => {
    const agent = new UserAgent();
    const { page, verifier } = await s.start(
      agent,
      'launch/patient patient/composition-*.rs patient/aql-*.rs',
    );
    const consent = await s.login(agent, page, 'patient');
    const offered = [...consent.html.matchAll(/name="scope" value="([^"]*)"/g)].map((m) => m[1]);
    expect(offered.sort()).toEqual([
      'launch/patient',
      'patient/aql-*.rs',
      'patient/composition-*.rs',
    ]);
    const back = await s.submit(agent, consent, {
      csrf: formField(consent.html, 'csrf'),
      decision: 'allow',
      scope: ['patient/composition-*.rs', 'launch/patient', 'user/composition-*.cruds', 'openid'],
    });
    const callback = new URL(back.url);
    const tokens = (await (
      await redeem(s.t.url, s.clientId, { callback, verifier } as never)
    ).json()) as Record<string, string>;
    expect(tokens.scope.split(' ').sort()).toEqual(['launch/patient', 'patient/composition-*.rs']);
  });

  it('deny sends access_denied back to the app, without a code', async () => {
    const agent = new UserAgent();
    const { page } = await s.start(agent, 'launch/patient patient/aql-*.rs');
    const consent = await s.login(agent, page, 'patient');
    const back = await s.submit(agent, consent, {
      csrf: formField(consent.html, 'csrf'),
      decision: 'deny',
    });
    const callback = new URL(back.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('state')).toBe('st-pages');
  });
});

describe('interaction pages with registered launcher origins', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  const origins = ['https://ehr.example.org', 'https://launcher.example.org:8443'];

  beforeAll(async () => {
    s = await setUp({ SMART_LAUNCHER_ORIGINS: origins.join(',') });
  });
  afterAll(async () => {
    await s.t.close();
    await s.storage.dispose();
  });

  it('may be framed by exactly those origins (CSP frame-ancestors), so no X-Frame-Options', async () => {
    const { page } = await s.start(new UserAgent());
    expect(page.res.status).toBe(200);
    const csp = page.res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${origins.join(' ')};`);
    expect(csp).not.toContain("'none'; base-uri");
    expect(page.res.headers.get('x-frame-options')).toBeNull();
  });
});
