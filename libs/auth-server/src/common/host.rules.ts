import type { IncomingMessage } from 'node:http';

/** A host name (DNS name, IPv4 or bracketed IPv6) with an optional port, as `Host` carries it. */
const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9_~-]+(\.[a-z0-9_~-]+)*)(:(\d{1,5}))?$/;

/** A host and its port (`undefined`: none given, the scheme's default). */
export interface HostAndPort {
  name: string;
  port: number | undefined;
}

/** How a request's host relates to the public URL. */
export type HostVerdict = 'canonical' | 'allowed' | 'refused';

/** The public URL's host and the other hosts a deployment serves. */
export interface HostRules {
  /** `https:` or `http:`, from the public URL. */
  protocol: string;
  /** The public URL's origin, e.g. `https://ehr.example.org`. */
  origin: string;
  canonical: HostAndPort;
  allowed: readonly HostAndPort[];
  trustProxy: boolean;
}

/** Parses `host[:port]` (lower-cased); undefined when it is not one. */
export function parseHost(value: string): HostAndPort | undefined {
  const match = HOST_SYNTAX.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const port = match[4] === undefined ? undefined : Number(match[4]);
  if (port !== undefined && port > 65535) return undefined;
  return { name: match[1], port };
}

/** The rules for a public URL and the extra `host[:port]` entries (already validated). */
export function compileHostRules(
  publicUrl: string,
  allowedHosts: readonly string[],
  trustProxy: boolean,
): HostRules {
  const url = new URL(publicUrl);
  return {
    protocol: url.protocol,
    origin: url.origin,
    canonical: { name: url.hostname, port: url.port === '' ? undefined : Number(url.port) },
    allowed: allowedHosts.map((entry) => parseHost(entry)!),
    trustProxy,
  };
}

const firstValue = (header: string | string[] | undefined): string | undefined => {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
};

/**
 * The host a request is for: with a trusted proxy the first `X-Forwarded-Host` when present;
 * else the authority of an absolute-form request target (RFC 9112 §3.2.2); else `Host`.
 */
export function requestedHost(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? firstValue(req.headers['x-forwarded-host']) : undefined;
  if (forwarded) return forwarded;
  const target = req.url ?? '';
  if (/^https?:\/\//i.test(target)) {
    return URL.canParse(target) ? new URL(target).host : undefined;
  }
  return firstValue(req.headers.host);
}

const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

/**
 * Whether `host` is the public URL's host (`canonical`), one of the allowed hosts (`allowed`;
 * an entry without a port matches every port) or neither (`refused`).
 */
export function judgeHost(rules: HostRules, host: string | undefined): HostVerdict {
  const parsed = host === undefined ? undefined : parseHost(host);
  if (!parsed) return 'refused';
  const fallback = defaultPort(rules.protocol);
  const port = parsed.port ?? fallback;
  const { canonical } = rules;
  if (parsed.name === canonical.name && port === (canonical.port ?? fallback)) return 'canonical';
  const listed = rules.allowed.some(
    (entry) => entry.name === parsed.name && (entry.port === undefined || entry.port === port),
  );
  return listed ? 'allowed' : 'refused';
}
