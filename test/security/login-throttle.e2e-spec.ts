import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { REDIRECT_URI } from '../support/smart-flow.js';
import { formAction, formField, pkce, UserAgent } from '../support/user-agent.js';
import {
  auditEvents,
  eventually,
  publicApp,
  startSecurityApp,
  type SecurityApp,
} from './security.support.js';

const MAX_FAILURES = 3;
/** Users whose password is their name; each test uses its own. */
const USERS = ['ann', 'ben', 'cat', 'dan', 'eve'];

/**
 * Login protection: failures are throttled per account (existing or not) with a delay, and the
 * answers do not tell whether an account exists (RFC 6749 §10.10; B.1 #43).
 */
describe('login throttling per account, without account enumeration', () => {
  let t: SecurityApp;
  let clientId: string;
  let dir: string;
  let ipSeq = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smart-users-'));
    const users = await Promise.all(
      USERS.map(async (name) => ({
        username: name,
        password: await hashPassword(name),
        sub: `sub-${name}`,
        name,
      })),
    );
    writeFileSync(join(dir, 'users.json'), JSON.stringify({ users, patients: [] }));
    t = await startSecurityApp({
      SMART_USERS_FILE: join(dir, 'users.json'),
      SMART_TRUST_PROXY: 'true',
      SMART_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      SMART_LOGIN_FAILURE_DELAY_MS: '50',
    });
    clientId = await publicApp(t.app, { scope: 'openid' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A browser at the login page of a fresh interaction, speaking from its own IP. */
  async function loginForm(ip = `203.0.113.${++ipSeq}`) {
    const agent = new UserAgent();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      aud: t.url,
      state: 's',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    const { res } = await agent.follow(`${t.url}/auth/authorize?${query.toString()}`, t.url);
    const html = await res.text();
    const action = new URL(formAction(html), t.url).href;
    const csrf = formField(html, 'csrf');
    const submit = async (username: string, password: string) => {
      const started = performance.now();
      const answer = await agent.request(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        body: new URLSearchParams({ csrf, username, password }),
      });
      const text = await answer.text();
      return {
        status: answer.status,
        headers: answer.headers,
        text,
        ms: performance.now() - started,
      };
    };
    return { submit, ip };
  }

  /** The login page's message, or the start of the answer. */
  const alert = (html: string) =>
    /role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? html.slice(0, 200);

  it('locks an account after 3 failures: even the right password is refused until the window ends', async () => {
    const form = await loginForm();
    for (let i = 0; i < MAX_FAILURES; i++) {
      const failed = await form.submit('ann', `wrong-${i}`);
      expect(failed.status).toBe(401);
      expect(failed.ms).toBeGreaterThanOrEqual(45);
    }
    const locked = await form.submit('ann', 'ann');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.headers.get('location')).toBeNull();
    expect(alert(locked.text)).toMatch(/Too many failed sign-in attempts/);
    // From another address and browser, spelled differently: still locked (per account).
    const elsewhere = await loginForm();
    expect((await elsewhere.submit(' ANN', 'ann')).status).toBe(429);
    // Another account from the same address is not affected.
    expect((await form.submit('ben', 'ben')).status).toBe(303);
  });

  it('an unknown username gets the same answers, at a similar speed', async () => {
    const known = await loginForm();
    const unknown = await loginForm();
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < MAX_FAILURES; i++) {
      const a = await known.submit('cat', `bad-${i}`);
      const b = await unknown.submit('nobody-at-all', `bad-${i}`);
      expect([a.status, b.status]).toEqual([401, 401]);
      expect(alert(a.text)).toBe(alert(b.text));
      knownTimes.push(a.ms);
      unknownTimes.push(b.ms);
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
    // Without the dummy password check an unknown user would be answered much faster.
    expect(median(unknownTimes)).toBeGreaterThan(median(knownTimes) * 0.5);
    const a = await known.submit('cat', 'cat');
    const b = await unknown.submit('nobody-at-all', 'whatever');
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(alert(a.text)).toBe(alert(b.text));
    expect(a.headers.get('retry-after')).toBeTruthy();
    expect(b.headers.get('retry-after')).toBeTruthy();
  });

  it('a successful login clears the failures of the account', async () => {
    const form = await loginForm();
    for (let i = 0; i < MAX_FAILURES - 1; i++)
      expect((await form.submit('dan', 'x')).status).toBe(401);
    expect((await form.submit('dan', 'dan')).status).toBe(303);
    const again = await loginForm();
    for (let i = 0; i < MAX_FAILURES - 1; i++)
      expect((await again.submit('dan', 'x')).status).toBe(401);
    expect((await again.submit('dan', 'dan')).status).toBe(303);
  });

  it('logins are security events in the audit trail (never the password)', async () => {
    const form = await loginForm();
    expect((await form.submit('eve', 'secret-password-1')).status).toBe(401);
    const ok = await loginForm();
    expect((await ok.submit('eve', 'eve')).status).toBe(303);
    const events = await eventually(
      () => auditEvents(t.app),
      (items) =>
        items.some((e) => e.action === 'login.failure' && e.details?.ip === form.ip) &&
        items.some((e) => e.action === 'login.success' && e.details?.ip === ok.ip),
    );
    const failure = events.find((e) => e.action === 'login.failure' && e.details?.ip === form.ip)!;
    expect(failure).toMatchObject({
      actor: clientId,
      details: { outcome: 'failure', client: clientId, username: 'eve' },
    });
    expect(JSON.stringify(failure)).not.toContain('secret-password-1');
    const success = events.find((e) => e.action === 'login.success' && e.details?.ip === ok.ip)!;
    expect(success).toMatchObject({
      actor: 'user:sub-eve',
      details: { outcome: 'success', user: 'sub-eve', client: clientId },
    });
    expect(success.details?.requestId).toEqual(expect.any(String));
  });
});
