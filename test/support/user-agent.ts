import { createHash, randomBytes } from 'node:crypto';

/** A browser without a browser: cookies and manual redirects, for HTTP-level flow tests. */
export class UserAgent {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a page (2xx/4xx) or a redirect outside `origin` (the app's callback). */
  async follow(
    url: string,
    origin: string,
    init: RequestInit = {},
  ): Promise<{ res: Response; url: string }> {
    let res = await this.request(url, init);
    let current = url;
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current).href;
      if (!next.startsWith(origin)) return { res, url: next };
      current = next;
      res = await this.request(next);
    }
    return { res, url: current };
  }

  submit(url: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const value of [v].flat()) body.append(k, value);
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}

/** The value of a hidden input (or the action of the form) in a page. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name} in page: ${html.slice(0, 300)}`);
  return match[1].replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)));
}

export function formAction(html: string): string {
  const match = /<form method="post" action="([^"]*)"/.exec(html);
  if (!match) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return match[1].replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)));
}

/** PKCE S256 pair. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
