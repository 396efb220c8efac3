import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pkce } from './user-agent.js';

/** Where browser tests save screenshots (gitignored; CI may keep it as an artefact). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-artifacts/browser');

/** Saves a full-page screenshot of `page` as `<name>.png` under `SCREENSHOT_DIR`. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Debian's chromium (CI installs it); `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts headless Chromium. A missing browser fails the test (never skips it): browser tests are
 * part of the suite.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it ` +
        '(Debian: apt-get install chromium, or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One authorization the test app started, and how it ended. */
export interface AppAuthorization {
  state: string;
  verifier: string;
  /** The query the authorization server redirected back with. */
  callback: URLSearchParams;
}

/**
 * A tiny SMART app (and EHR launcher) on 127.0.0.1, the way a real one behaves in a browser:
 * - `GET /launch?iss=&launch=` (its launch URL): EHR launch, redirects to the authorization endpoint;
 * - `GET /start?scope=[&ui_locales=...]`: standalone launch (other parameters are passed on);
 * - `GET /callback`: its redirect URI; records the query;
 * - `GET /ehr?launch=`: an EHR page that embeds the app's launch URL in an iframe.
 */
export class TestSmartApp {
  /** Set once the authorization server runs (its URL is also `iss` and `aud`). */
  issuer = '';
  clientId = '';
  /** Scopes the app asks for in an EHR launch. */
  launchScope = 'launch openid fhirUser';
  private readonly pending = new Map<string, string>();
  private readonly done: AppAuthorization[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  get redirectUri(): string {
    return `${this.url}/callback`;
  }

  static async start(): Promise<TestSmartApp> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const app = new TestSmartApp(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', app.url);
      const html = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="en"><head><title>Test app</title></head><body>${body}</body></html>`,
        );
      };
      if (url.pathname === '/launch') {
        const iss = url.searchParams.get('iss') ?? '';
        if (iss !== app.issuer) return html(400, '<p>unknown iss</p>');
        res.writeHead(302, {
          location: app.authorizeUrl(app.launchScope, {
            launch: url.searchParams.get('launch') ?? '',
          }),
        });
        return res.end();
      }
      if (url.pathname === '/start') {
        // Every other query parameter (e.g. `ui_locales`) goes on to the authorization request.
        const extra = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'scope'));
        res.writeHead(302, {
          location: app.authorizeUrl(url.searchParams.get('scope') ?? '', extra),
        });
        return res.end();
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const verifier = app.pending.get(state);
        if (verifier === undefined) return html(400, '<p>unknown state</p>');
        app.pending.delete(state);
        app.done.push({ state, verifier, callback: url.searchParams });
        for (const wake of app.waiters.splice(0)) wake();
        return html(200, '<h1 id="app-done">Back in the app</h1>');
      }
      if (url.pathname === '/ehr') {
        const launchUrl = new URL('/launch', app.url);
        launchUrl.searchParams.set('iss', app.issuer);
        launchUrl.searchParams.set('launch', url.searchParams.get('launch') ?? '');
        return html(
          200,
          `<h1>EHR</h1><iframe title="SMART app" name="app" src="${launchUrl.href.replace(/&/g, '&amp;')}" width="800" height="700"></iframe>`,
        );
      }
      html(404, '<p>not found</p>');
    });
    return app;
  }

  /** A fresh authorization request (state and PKCE remembered for the callback). */
  authorizeUrl(scope: string, extra: Record<string, string> = {}): string {
    const { verifier, challenge } = pkce();
    const state = `st-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    this.pending.set(state, verifier);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      scope,
      state,
      aud: this.issuer,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return `${this.issuer}/auth/authorize?${query.toString()}`;
  }

  /** The next authorization that comes back to the redirect URI. */
  async nextCallback(timeoutMs = 10_000): Promise<AppAuthorization> {
    const deadline = Date.now() + timeoutMs;
    while (this.done.length === 0) {
      if (Date.now() > deadline) throw new Error('the app received no callback');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.done.shift()!;
  }

  /** Exchanges the code of an authorization (public client). */
  async redeem(auth: AppAuthorization): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.issuer}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: auth.callback.get('code') ?? '',
        redirect_uri: this.redirectUri,
        client_id: this.clientId,
        code_verifier: auth.verifier,
      }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200)
      throw new Error(`token exchange: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
