import { formAction, formField, pkce, UserAgent } from './user-agent.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface FlowOptions {
  base: string;
  clientId: string;
  scope: string;
  username?: string;
  password?: string;
  /** ehrId to choose on the picker (default: the first). */
  pick?: string;
  /** Scopes to leave unticked on the consent page. */
  untick?: string[];
  decision?: 'allow' | 'deny';
  extra?: Record<string, string>;
  agent?: UserAgent;
  /** Where the browser starts instead of a GET authorization request (e.g. after a POST). */
  startUrl?: string;
}

export interface FlowResult {
  agent: UserAgent;
  callback: URL;
  verifier: string;
  pages: string[];
  state: string;
}

/** A SMART authorization request URL (code, PKCE S256, `aud` = the platform). */
export function authorizationUrl(
  o: Pick<FlowOptions, 'base' | 'clientId' | 'scope' | 'extra'>,
  challenge: string,
  state: string,
): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: REDIRECT_URI,
    scope: o.scope,
    state,
    aud: o.base,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...o.extra,
  });
  return `${o.base}/auth/authorize?${query.toString()}`;
}

/** Runs an authorization request through login, picker and consent like a user would. */
export async function authorizeAsUser(o: FlowOptions): Promise<FlowResult> {
  const agent = o.agent ?? new UserAgent();
  const { verifier, challenge } = pkce();
  const state = `state-${Math.random().toString(36).slice(2)}`;
  let step = await agent.follow(o.startUrl ?? authorizationUrl(o, challenge, state), o.base);
  const pages: string[] = [];
  for (let i = 0; i < 6 && step.url.startsWith(o.base); i++) {
    const html = await step.res.text();
    if (step.res.status >= 400 && !html.includes('<form')) {
      throw new Error(`page ${step.res.status}: ${html.replace(/<[^>]+>/g, ' ').slice(0, 300)}`);
    }
    const action = new URL(formAction(html), o.base).href;
    const csrf = formField(html, 'csrf');
    let res: Response;
    if (html.includes('name="password"')) {
      pages.push('login');
      res = await agent.submit(action, {
        csrf,
        username: o.username ?? 'clinician',
        password: o.password ?? 'clinician',
      });
    } else if (html.includes('name="ehrId"') || html.includes('name="episodeId"')) {
      const field = html.includes('name="ehrId"') ? 'ehrId' : 'episodeId';
      pages.push(field === 'ehrId' ? 'picker' : 'episode-picker');
      const value = (field === 'ehrId' && o.pick) || formField(html, field);
      res = await agent.submit(action, { csrf, [field]: value });
    } else {
      pages.push('consent');
      const scopes = [...html.matchAll(/name="scope" value="([^"]*)"/g)].map((m) => m[1]);
      res = await agent.submit(action, {
        csrf,
        decision: o.decision ?? 'allow',
        scope: scopes.filter((s) => !(o.untick ?? []).includes(s)),
      });
    }
    step =
      res.status >= 300 && res.status < 400
        ? await agent.follow(new URL(res.headers.get('location')!, action).href, o.base)
        : { res, url: action };
  }
  return { agent, callback: new URL(step.url), verifier, pages, state };
}

/** Exchanges the code at the token endpoint (public client). */
export async function redeem(base: string, clientId: string, flow: FlowResult): Promise<Response> {
  return fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: flow.callback.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: flow.verifier,
    }),
  });
}
