import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { renderJson } from '../errors/error.renderer.js';
import { OAuthError } from '../errors/oauth.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import {
  compileHostRules,
  judgeHost,
  requestedHost,
  type HostRules,
  type HostVerdict,
} from '../common/host.rules.js';
import { ExpiringCache } from '../common/expiring.cache.js';
import { oauthEndpointPath } from '../common/smart.routes.js';

/** Distinct `Host` values whose verdict is remembered. */
const MAX_REMEMBERED_HOSTS = 64;

type ExpressRequest = IncomingMessage & { originalUrl?: string };
type Next = (err?: unknown) => void;

/**
 * Strict host names (what Keycloak calls a strict hostname). Every URL the server publishes comes
 * from the public URL (`issuer`), never from `Host`; this check refuses requests for any host
 * that is neither the public URL's nor listed in `allowedHosts` with 421 Misdirected Request
 * (RFC 9110 §15.5.20), except on `anyHostPaths` (health probes by IP). A browser page requested
 * on an allowed second host is redirected to the same page on the public URL, so a flow's
 * cookies and links stay on one host.
 */
@Injectable()
export class HostCheckService {
  private readonly rules: HostRules;
  private readonly pagePrefixes: string[];
  private readonly verdicts = new ExpiringCache<HostVerdict>(MAX_REMEMBERED_HOSTS);

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {
    this.rules = compileHostRules(options.issuer, options.allowedHosts, options.trustProxy);
    const { interaction, account, console } = options.routes;
    this.pagePrefixes = [
      oauthEndpointPath(options.routes, 'authorization'),
      oauthEndpointPath(options.routes, 'end_session'),
      interaction,
      account,
      console,
    ];
  }

  /** Express middleware; install before every route (`mountSmartAuthServer` does). */
  middleware(): (req: ExpressRequest, res: ServerResponse, next: Next) => void {
    return (req, res, next) => {
      const host = requestedHost(req, this.rules.trustProxy);
      toOriginForm(req);
      const verdict = this.verdictOf(host);
      // The public URL's host passes everywhere: no need to look at the path.
      if (verdict === 'canonical') return next();
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (this.options.anyHostPaths.some((p) => path === p || path.startsWith(`${p}/`))) {
        return next();
      }
      if (verdict === 'refused') return this.misdirected(res);
      if (verdict === 'allowed' && this.isPage(req.method, path)) {
        res.statusCode = 303;
        res.setHeader('Location', `${this.rules.origin}${req.url ?? '/'}`);
        res.setHeader('Cache-Control', 'no-store');
        return res.end();
      }
      return next();
    };
  }

  /** Whether `req` is for the public URL's host (true for a request passed on everywhere). */
  isCanonical(req: IncomingMessage): boolean {
    return this.verdictOf(requestedHost(req, this.rules.trustProxy)) === 'canonical';
  }

  /** The verdict on a host, remembered for the few distinct hosts a deployment sees. */
  private verdictOf(host: string | undefined): HostVerdict {
    if (host === undefined) return judgeHost(this.rules, host);
    let verdict = this.verdicts.get(host);
    if (verdict === undefined) {
      verdict = judgeHost(this.rules, host);
      // Hosts are the caller's to choose: bounded, the oldest goes first.
      this.verdicts.set(host, verdict, Infinity);
    }
    return verdict;
  }

  private isPage(method: string | undefined, path: string): boolean {
    if (method !== 'GET' && method !== 'HEAD') return false;
    return this.pagePrefixes.some((p) => path === p || path.startsWith(`${p}/`));
  }

  private misdirected(res: ServerResponse): void {
    const description = this.rules.trustProxy
      ? 'the request is for a host this server does not serve (Host / X-Forwarded-Host)'
      : 'the request is for a host this server does not serve (Host)';
    renderJson(res, OAuthError.misdirectedRequest(`${description}; use ${this.options.issuer}`));
  }
}

/**
 * An absolute-form request target (`GET http://host/path`) becomes origin-form, so nothing
 * downstream (Express, the engine) builds a URL from its authority.
 */
function toOriginForm(req: ExpressRequest): void {
  const target = req.url ?? '/';
  if (!/^https?:\/\//i.test(target)) return;
  const url = URL.canParse(target) ? new URL(target) : undefined;
  const originForm = url ? `${url.pathname}${url.search}` : '/';
  req.url = originForm;
  req.originalUrl = originForm;
}
