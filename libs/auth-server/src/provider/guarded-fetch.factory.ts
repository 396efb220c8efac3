import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { inSpan, SpanKind } from '../tracing/auth.tracer.js';
import { isSpecialUseAddress } from './special-use-address.policy.js';

/** How the server fetches remote documents (a client's or a trusted issuer's `jwks_uri`). */
export interface FetchPolicy {
  /** Hosts whose private/loopback addresses may be fetched (tests, internal deployments). */
  allowPrivateHosts: readonly string[];
  /** Largest accepted response body. */
  maxBodyBytes: number;
  /** Told whether each fetch succeeded (a 2xx body read in full), for metrics. */
  onOutcome?: (ok: boolean) => void;
}

export type GuardedFetch = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 2500;

async function assertPublicHost(host: string): Promise<void> {
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  if (addresses.some((a) => isSpecialUseAddress(a.address))) {
    throw new Error(`${host} resolves to a special-use address`);
  }
}

/**
 * Fetch for remote keys: refuses hosts that resolve to special-use addresses unless allowed (the
 * engine's dispatcher also checks at connect time), refuses redirects (which could move to
 * another host), and caps time and body size. Each fetch is a `jwks fetch` client span (its URL without credentials or query).
 * @see https://github.com/panva/node-oidc-provider/tree/main/docs#fetch
 */
export function guardedFetch(policy: FetchPolicy): GuardedFetch {
  const allowed = new Set(policy.allowPrivateHosts.map((h) => h.toLowerCase()));
  return (url, init = {}) => {
    const target = new URL(url instanceof Request ? url.url : url);
    return inSpan(
      'jwks fetch',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'GET',
          'url.full': `${target.origin}${target.pathname}`,
        },
      },
      async (span) => {
        const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
        const { dispatcher, ...rest } = init as RequestInit & { dispatcher?: unknown };
        const options: RequestInit = {
          ...rest,
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        };
        if (!allowed.has(host)) {
          await assertPublicHost(host);
          if (dispatcher) Object.assign(options, { dispatcher });
        }
        try {
          const res = await fetch(target, options);
          span.setAttribute('http.response.status_code', res.status);
          const body = await readCapped(res, policy.maxBodyBytes);
          policy.onOutcome?.(res.ok);
          return new Response(body, { status: res.status, headers: res.headers });
        } catch (err) {
          policy.onOutcome?.(false);
          throw err;
        }
      },
    );
  };
}

/** The body, read only up to `max` bytes (a larger or endless one fails as soon as it is). */
async function readCapped(res: Response, max: number): Promise<Buffer> {
  const tooLarge = () => new Error('response body is too large');
  if (Number(res.headers.get('content-length') ?? 0) > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > max) throw tooLarge();
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks, size);
}
