import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { renderJson, renderPage } from '../errors/error.renderer.js';
import { OAuthError } from '../errors/oauth.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import {
  rateLimitKey,
  RateLimiterService,
  type RateLimitDecision,
} from './rate-limiter.service.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { SecurityEventsService } from './security-events.service.js';
import { requestIsSecure, securityHeaderSet } from './security-headers.builder.js';
import { oauthEndpointPath, type OAuthEndpoint } from '../common/smart.routes.js';

/** The kinds of endpoint with their own limits. */
export type GuardedEndpoint =
  'token' | 'authorize' | 'par' | 'login' | 'registration' | 'introspection';

/** The largest form body the guarded endpoints accept (the engine's own limit). */
const FORM_BODY_LIMIT = 56 * 1024;

/** Endpoints where failed authentication counts and, past the limit, blocks the IP. */
const AUTHENTICATING = new Set<GuardedEndpoint>(['token', 'par', 'login', 'introspection']);

type ExpressRequest = IncomingMessage & {
  path?: string;
  ip?: string;
  id?: unknown;
};
type Next = (err?: unknown) => void;

/** Who is asking, for limits and events. */
export interface CallerInfo {
  ip?: string;
  requestId?: string;
}

/** The request id pino-http assigned (`req.id`), else a well-formed `X-Request-Id`. */
export function requestIdOf(req: IncomingMessage & { id?: unknown }): string | undefined {
  if (typeof req.id === 'string' || typeof req.id === 'number') return String(req.id);
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(header) ? header : undefined;
}

/**
 * The request-level defences in front of every route: security headers on every answer, limits
 * per IP on the endpoints that issue or authenticate, and the backoff of an IP after too many
 * failed authentications. Per-client limits, per-account login throttling and the accounting of
 * failures happen where the client or account is known (engine hook, login, introspection).
 */
@Injectable()
export class RequestGuardService {
  /** The security headers of an answer over HTTP and over HTTPS (with HSTS). */
  private readonly plainHeaders: Readonly<Record<string, string>>;
  private readonly secureHeaders: Readonly<Record<string, string>>;
  private readonly issuerIsHttps: boolean;
  /** The guarded paths, built once. */
  private readonly paths: Record<
    | 'authorize'
    | 'token'
    | 'par'
    | 'introspect'
    | 'revoke'
    | 'register'
    | 'accountLogin'
    | 'consoleLogin',
    string
  >;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly limiter: RateLimiterService,
    private readonly events: SecurityEventsService,
    private readonly metrics: SmartAuthMetrics,
  ) {
    const set = securityHeaderSet(options);
    this.plainHeaders = set.always;
    this.secureHeaders = { ...set.always, ...set.https };
    this.issuerIsHttps = options.issuer.startsWith('https:');
    const at = (endpoint: OAuthEndpoint) => oauthEndpointPath(options.routes, endpoint);
    this.paths = {
      authorize: at('authorization'),
      token: at('token'),
      par: at('pushed_authorization_request'),
      introspect: at('introspection'),
      revoke: at('revocation'),
      register: at('registration'),
      accountLogin: `${options.routes.account}/login`,
      consoleLogin: `${options.routes.console}/login`,
    };
  }

  /** Express middleware; install before every route (`mountSmartAuthServer` does). */
  middleware(): (req: ExpressRequest, res: ServerResponse, next: Next) => void {
    return (req, res, next) => {
      this.applyHeaders(req, res);
      const endpoint = this.classify(req);
      if (!endpoint) return next();
      if (Number(req.headers['content-length'] ?? 0) > FORM_BODY_LIMIT) {
        return this.tooLarge(res);
      }
      if (!this.limiter.enabled) return next();
      this.guard(endpoint, req, res).then((passed) => passed && next(), next);
    };
  }

  /**
   * The security headers every answer to `req` carries (with HSTS when it came over HTTPS): one
   * of two fixed objects, never to be changed.
   */
  securityHeaders(req: IncomingMessage): Readonly<Record<string, string>> {
    const secure = this.issuerIsHttps || requestIsSecure(req, this.options.trustProxy);
    return secure ? this.secureHeaders : this.plainHeaders;
  }

  /** Sets {@link securityHeaders} on `res` (routes may override them later). */
  applyHeaders(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(this.securityHeaders(req))) {
      res.setHeader(name, value);
    }
  }

  /** Which guarded endpoint a request is for, if any. */
  classify(req: { method?: string; path?: string; url?: string }): GuardedEndpoint | undefined {
    const path = req.path ?? new URL(req.url ?? '/', 'http://x').pathname;
    const paths = this.paths;
    if (path === paths.authorize || path.startsWith(`${paths.authorize}/`)) return 'authorize';
    if (req.method !== 'POST') return undefined;
    if (path === paths.token) return 'token';
    if (path === paths.par) return 'par';
    if (path === paths.introspect || path === paths.revoke) return 'introspection';
    if (path === paths.register) return 'registration';
    if (path.startsWith(`${this.options.routes.interaction}/`) && path.endsWith('/login')) {
      return 'login';
    }
    if (path === paths.accountLogin || path === paths.consoleLogin) return 'login';
    return undefined;
  }

  /** Whether `ip` has used up its failed authentications for now. */
  failureBlock(ip: string | undefined): RateLimitDecision | undefined {
    if (!ip) return undefined;
    const decision = this.limiter.check(
      rateLimitKey('fail:ip', ip),
      this.options.rateLimit.failedAuthPerIp,
    );
    return decision.allowed ? undefined : decision;
  }

  /** Counts one failed authentication from `ip`; reports when it starts the backoff. */
  async recordFailure(
    caller: CallerInfo,
    context: { endpoint: GuardedEndpoint; clientId?: string },
  ) {
    if (!caller.ip) return;
    const limit = this.options.rateLimit.failedAuthPerIp;
    const decision = await this.limiter.consume(rateLimitKey('fail:ip', caller.ip), limit);
    if (limit > 0 && decision.count === limit) {
      this.reportExceeded(decision, caller, {
        endpoint: context.endpoint,
        clientId: context.clientId,
        key: 'failed authentications per IP',
      });
    }
  }

  /** Whether the client is over its token-endpoint limit (checked before the engine runs). */
  clientBlock(clientId: string | undefined): RateLimitDecision | undefined {
    if (!clientId) return undefined;
    const decision = this.limiter.check(
      rateLimitKey('token:client', clientId),
      this.options.rateLimit.token.perClient,
    );
    if (decision.allowed) return undefined;
    // Only asked right before refusing the request (client-limits hook): count the refusal here.
    this.metrics.rateLimited('token_per_client');
    return decision;
  }

  /** Counts one authenticated token request of a client. */
  async countClient(clientId: string, caller: CallerInfo): Promise<void> {
    const limit = this.options.rateLimit.token.perClient;
    const decision = await this.limiter.consume(rateLimitKey('token:client', clientId), limit);
    if (limit > 0 && decision.count === limit) {
      this.reportExceeded(decision, caller, {
        endpoint: 'token',
        clientId,
        key: 'token per client',
      });
    }
  }

  /** Reports a limit that was just reached (audited once per key and window). */
  reportExceeded(
    decision: RateLimitDecision,
    caller: CallerInfo,
    context: { endpoint: GuardedEndpoint; clientId?: string; key: string },
  ): void {
    this.events.emit({
      type: 'rate_limit.exceeded',
      outcome: 'failure',
      clientId: context.clientId,
      ip: caller.ip,
      requestId: caller.requestId,
      reason: `${context.key} limit (${decision.limit} per window) reached`,
      details: { endpoint: context.endpoint, retryAfterSeconds: decision.retryAfterSeconds },
    });
  }

  private perIpLimit(endpoint: GuardedEndpoint): number {
    const r = this.options.rateLimit;
    switch (endpoint) {
      case 'token':
        return r.token.perIp;
      case 'authorize':
      case 'par':
        return r.authorize.perIp;
      case 'login':
        return r.login.perIp;
      case 'registration':
        return r.registration.perIp;
      case 'introspection':
        return r.introspection.perIp;
    }
  }

  /** Applies the per-IP limit and the failure backoff; answers 429 itself when one applies. */
  private async guard(
    endpoint: GuardedEndpoint,
    req: ExpressRequest,
    res: ServerResponse,
  ): Promise<boolean> {
    const caller = { ip: req.ip ?? req.socket.remoteAddress, requestId: requestIdOf(req) };
    if (AUTHENTICATING.has(endpoint)) {
      const blocked = this.failureBlock(caller.ip);
      if (blocked) {
        this.metrics.rateLimited('failed_auth_per_ip');
        this.refuse(endpoint, req, res, blocked);
        return false;
      }
    }
    const limit = this.perIpLimit(endpoint);
    if (!caller.ip || limit <= 0) return true;
    const scope = endpoint === 'par' ? 'authorize' : endpoint;
    const decision = await this.limiter.consume(rateLimitKey(`${scope}:ip`, caller.ip), limit);
    if (decision.allowed) return true;
    if (decision.count === limit + 1) {
      this.reportExceeded(decision, caller, { endpoint, key: `${scope} per IP` });
    }
    this.metrics.rateLimited(`${scope}_per_ip`);
    this.refuse(endpoint, req, res, decision);
    return false;
  }

  /** 413 before any body is read; the connection closes rather than drain the upload. */
  private tooLarge(res: ServerResponse): void {
    res.setHeader('Connection', 'close');
    renderJson(res, OAuthError.bodyTooLarge());
  }

  private refuse(
    endpoint: GuardedEndpoint,
    req: ExpressRequest,
    res: ServerResponse,
    decision: RateLimitDecision,
  ): void {
    const err = OAuthError.rateLimited(decision.retryAfterSeconds);
    const html =
      (endpoint === 'authorize' || endpoint === 'login') &&
      /text\/html/.test(req.headers.accept ?? '');
    // The body is not read: close the connection rather than drain it.
    if (!req.complete) res.setHeader('Connection', 'close');
    if (html) renderPage(res, err, this.options);
    else renderJson(res, err);
  }
}
