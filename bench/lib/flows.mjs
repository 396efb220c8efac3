// Scenarios 3 and 4: the authorization code + PKCE flow of a signed-in user, and refresh-token
// rotation. Multi-step flows with cookies do not fit autocannon, so this module drives them with
// fetch: `probeAuthCodeFlow()` tells whether the server supports the flow (login + consent pages
// following the contract's HTML hooks), `runFlowLoad()` is the closed-loop load driver.
//
// HOOK: when the login/consent UI lands, the probe starts succeeding and both scenarios run; if
// the pages differ from the contract's hooks, adapt `submitPage()` (form discovery) only.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { cpuAccount, round } from './util.mjs';

const MAX_STEPS = 15;
const REDIRECT_URI = 'http://127.0.0.1:9/bench-callback';

/** A minimal cookie jar for one user agent. */
export class Jar {
  constructor() {
    this.cookies = new Map();
  }
  store(headers) {
    for (const line of headers.getSetCookie?.() ?? []) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const attr = (tag, name) => {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[2] ?? m[3] ?? m[4]).replace(/&amp;/g, '&') : undefined;
};

/** Fills the first form of a login / consent / patient-picker page the way a person would. */
export function submitPage(html, pageUrl, user) {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const formTag = /<form\b[^>]*>/i.exec(form[0])[0];
  const action = new URL(attr(formTag, 'action') ?? pageUrl, pageUrl).toString();
  const fields = new URLSearchParams();
  let pickedRadio = false;
  let decision;
  for (const [tag] of form[1].matchAll(/<(input|button)\b[^>]*>/gi)) {
    const name = attr(tag, 'name');
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    const value = attr(tag, 'value') ?? '';
    if (!name) continue;
    if (name === 'username') fields.append(name, user.username);
    else if (name === 'password') fields.append(name, user.password);
    else if (type === 'checkbox') fields.append(name, value || 'on');
    else if (type === 'radio') {
      if (!pickedRadio) fields.append(name, value);
      pickedRadio = true;
    } else if (type === 'submit' || tag.toLowerCase().startsWith('<button')) {
      if (name === 'decision') {
        if (value === 'allow') decision = value;
      } else if (!fields.has(name)) fields.append(name, value);
    } else fields.append(name, value);
  }
  if (decision) fields.append('decision', decision);
  return { action, body: fields.toString() };
}

const pkcePair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/**
 * One full flow: authorize → (login → consent, when asked) → code → token. A signed-in user whose
 * grant already holds the scopes gets the code from the authorization request itself. Returns the
 * token response.
 */
export async function oneAuthCodeFlow(cfg, jar = new Jar()) {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${cfg.base}/auth/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: REDIRECT_URI,
    scope: cfg.scope,
    state,
    aud: cfg.aud,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  let url = authorize.toString();
  let init = { method: 'GET' };
  const trail = [];
  for (let step = 0; step < MAX_STEPS; step += 1) {
    trail.push(`${init.method} ${new URL(url).pathname.replace(/\/[A-Za-z0-9_-]{20,}/g, '/:id')}`);
    const res = await globalThis.fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), cookie: jar.header() },
    });
    jar.store(res.headers);
    if (process.env.BENCH_FLOW_DEBUG) {
      process.stderr.write(
        `[flow] ${init.method} ${url} → ${res.status} ${res.headers.get('location') ?? ''}\n`,
      );
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      const next = new URL(location, url);
      if (next.toString().startsWith(REDIRECT_URI)) {
        const code = next.searchParams.get('code');
        if (!code) throw new Error(`redirected without a code: ${next.search}`);
        return exchangeCode(cfg, code, verifier);
      }
      url = next.toString();
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200)
      throw new Error(`${init.method} ${url} → ${res.status}: ${html.slice(0, 200)}`);
    const submit = submitPage(html, url, cfg.user);
    if (process.env.BENCH_FLOW_DEBUG) {
      process.stderr.write(
        `[flow] page form: ${html.match(/<form[\s\S]*?<\/form>/i)?.[0]}\n[flow] submit: ${submit?.body}\n`,
      );
    }
    if (!submit) throw new Error(`${url}: page without a form`);
    url = submit.action;
    init = {
      method: 'POST',
      body: submit.body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error(
    `no authorization code after ${MAX_STEPS} steps (last: ${trail.slice(-4).join(' → ')})`,
  );
}

async function exchangeCode(cfg, code, verifier) {
  const res = await globalThis.fetch(`${cfg.base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: cfg.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.access_token) {
    throw new Error(`code exchange → ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  }
  return body;
}

export async function refreshOnce(cfg, refreshToken) {
  const res = await globalThis.fetch(`${cfg.base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: cfg.clientId,
    }).toString(),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.refresh_token) {
    throw new Error(`refresh → ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  }
  return body;
}

/**
 * Registers a public client through the admin API and runs one flow (and one refresh). Resolves to
 * `{ available: true, cfg }` or `{ available: false, reason }`.
 */
export async function probeAuthCodeFlow({ base, adminToken, aud, user }) {
  const scope = 'openid fhirUser offline_access user/composition-*.rs';
  let clientId;
  try {
    const res = await globalThis.fetch(`${base}/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'bench public app',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        scope,
      }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status !== 201) {
      return { available: false, reason: `registering a public client → ${res.status}` };
    }
    clientId = body.client_id;
  } catch (err) {
    return { available: false, reason: `admin API unreachable: ${err.message}` };
  }
  const cfg = { base, clientId, scope, aud, user };
  try {
    const jar = new Jar();
    let t0 = performance.now();
    await oneAuthCodeFlow(cfg, jar);
    const loginFlowMs = round(performance.now() - t0, 1);
    t0 = performance.now();
    const tokens = await oneAuthCodeFlow(cfg, jar);
    const sessionFlowMs = round(performance.now() - t0, 1);
    const timing = { loginFlowMs, sessionFlowMs };
    if (!tokens.refresh_token) {
      return { available: true, refresh: false, reason: 'no refresh_token issued', cfg, timing };
    }
    const rotated = await refreshOnce(cfg, tokens.refresh_token);
    const rotates = rotated.refresh_token !== tokens.refresh_token;
    return {
      available: true,
      refresh: rotates,
      reason: rotates ? undefined : 'refresh token not rotated',
      cfg,
      timing,
    };
  } catch (err) {
    return { available: false, reason: `authorization code flow: ${err.message}` };
  }
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;

/**
 * Closed-loop load: `connections` virtual users, each signed in once (its own cookie jar, login and
 * consent happen in the untimed setup), then doing full authorization code + PKCE flows (or
 * refresh-token rotations on its own chain) for `duration` seconds. `spec.flow.withLogin` makes
 * every flow start from a fresh user agent (login with the password hash check included).
 */
export async function runFlowLoad(spec) {
  const { cfg, kind, withLogin } = spec.flow;
  const users = await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      const jar = new Jar();
      const tokens = await oneAuthCodeFlow(cfg, jar);
      return { jar, refreshToken: tokens.refresh_token };
    }),
  );
  const step = async (user) => {
    if (kind === 'refresh') {
      user.refreshToken = (await refreshOnce(cfg, user.refreshToken)).refresh_token;
    } else {
      await oneAuthCodeFlow(cfg, withLogin ? new Jar() : user.jar);
    }
  };
  const recover = async (user) => {
    const tokens = await oneAuthCodeFlow(cfg, user.jar).catch(() => undefined);
    if (tokens?.refresh_token) user.refreshToken = tokens.refresh_token;
  };
  const run = async (seconds, latencies, errors) => {
    const deadline = performance.now() + seconds * 1000;
    const loop = async (user) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await step(user);
          latencies.push(performance.now() - t0);
        } catch (err) {
          if (errors.length < 1000) errors.push(err.message);
          if (kind === 'refresh') await recover(user);
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(users.map(loop));
    return (performance.now() - t0) / 1000;
  };
  if (spec.warmup > 0) await run(spec.warmup, [], []);
  const latencies = [];
  const errors = [];
  const cpu = spec.watchPid ? cpuAccount({ server: spec.watchPid, load: process.pid }) : undefined;
  const elapsed = await run(spec.duration, latencies, errors);
  const cpuUse = cpu?.();
  latencies.sort((a, b) => a - b);
  const total = latencies.length + errors.length;
  return {
    name: spec.name,
    durationS: round(elapsed, 2),
    total,
    ok: latencies.length,
    rps: round(total / elapsed, 1),
    okRps: round(latencies.length / elapsed, 1),
    latencyMs: {
      p50: round(percentile(latencies, 50), 1),
      p90: round(percentile(latencies, 90), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies[latencies.length - 1] ?? 0, 1),
    },
    non2xx: errors.length,
    socketErrors: 0,
    timeouts: 0,
    mismatches: 0,
    errorCount: errors.length,
    errorRate: total ? round(errors.length / total, 4) : 1,
    errorSamples: [...new Set(errors)].slice(0, 3),
    ...(cpuUse
      ? {
          cpu: {
            ...cpuUse,
            serverUsPerReq: total
              ? round(((cpuUse.serverPct / 100) * elapsed * 1e6) / total, 0)
              : undefined,
          },
        }
      : {}),
  };
}
