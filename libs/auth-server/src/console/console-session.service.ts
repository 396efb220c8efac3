import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AccountResolver, SmartAccountClaims } from '../accounts/account.port.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { ExternalLoginService } from '../interaction/external-login.service.js';
import { sameText } from '../common/same-text.rules.js';
import { readCookie } from '../interaction/login.binding.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { requestIdOf } from '../security/request-guard.service.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { ACCOUNTS, SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ConsoleLoginBinding } from './console-login.binding.js';

const SESSION_COOKIE = 'smart_console';

/** How a console user signed in. */
export type ConsoleLoginMethod = 'password' | 'idp';

/** The signed-in console user. */
export interface ConsoleUser {
  sub: string;
  /** Display name (the account's `name`, else its subject). */
  name: string;
  via: ConsoleLoginMethod;
  /** The session's random id (CSRF tokens are bound to it). */
  sid: string;
}

/** What the session cookie carries (signed, not encrypted: nothing secret in it). */
interface SessionClaims {
  sid: string;
  sub: string;
  via: ConsoleLoginMethod;
  /** Epoch ms of the sign-in and of the last request. */
  iat: number;
  seen: number;
}

/** The outcome of reading a request's console session. */
export type ConsoleSessionState =
  | { kind: 'none' }
  | { kind: 'expired' }
  | { kind: 'not_admin' }
  | { kind: 'active'; user: ConsoleUser };

/**
 * The admin console's session, apart from the engine's browser session: a cookie of its own
 * (HttpOnly, SameSite=Strict, Secure on https, path = the console), signed with the shared cookie
 * secret, that ends after `console.idleTimeoutSeconds` without a request (and at most after
 * `sessionTtlSeconds`). Every request re-reads the account and checks `console.adminRole`, so a
 * withdrawn role locks the user out at once; a session signed in through the identity server reads
 * only the account it left (`ExternalLoginService`), and ends when that is gone. Before sign-in,
 * a login binding (`ConsoleLoginBinding`) keys the sign-in form's CSRF token.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 */
@Injectable()
export class ConsoleSessionService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
    private readonly keys: EngineKeys,
    private readonly external: ExternalLoginService,
    private readonly binding: ConsoleLoginBinding,
  ) {}

  /**
   * The account behind a console sign-in: through the identity server only its snapshot there
   * (never a host account with the same subject); otherwise the account resolver.
   */
  private findAccount(
    sub: string,
    via: ConsoleLoginMethod,
  ): Promise<SmartAccountClaims | undefined> {
    return via === 'idp' ? this.external.findAccount(sub) : this.accounts.findAccount(sub);
  }

  private nameIfAdmin(sub: string, account: SmartAccountClaims | undefined): string | undefined {
    if (!account?.roles?.includes(this.options.console.adminRole)) return undefined;
    return account.name ?? sub;
  }

  /** Whether `sub`, signed in `via`, holds the console's admin role; its display name when it does. */
  async adminName(sub: string, via: ConsoleLoginMethod): Promise<string | undefined> {
    return this.nameIfAdmin(sub, await this.findAccount(sub, via));
  }

  /** The audit actor of a console user: `console:<sub>` (`console:idp:<sub>` via the identity server). */
  actor(user: ConsoleUser, req: Request): SmartAdminActor {
    const requestId = requestIdOf(req);
    const who = user.via === 'idp' ? `idp:${user.sub}` : user.sub;
    return { actor: `console:${who}`, requestId };
  }

  /** Starts a session for `sub` (the caller checked the admin role). */
  start(res: Response, sub: string, via: ConsoleLoginMethod): void {
    const now = Date.now();
    const sid = randomBytes(24).toString('base64url');
    this.write(res, { sid, sub, via, iat: now, seen: now });
    this.binding.clear(res);
  }

  /** The request's session; an active one is renewed (its idle clock restarts). */
  async read(req: Request, res: Response): Promise<ConsoleSessionState> {
    const claims = this.decode(readCookie(req, SESSION_COOKIE));
    if (!claims) return { kind: 'none' };
    const now = Date.now();
    const idle = now - claims.seen > this.options.console.idleTimeoutSeconds * 1000;
    const old = now - claims.iat > this.options.sessionTtlSeconds * 1000;
    if (idle || old) {
      this.end(res);
      return { kind: 'expired' };
    }
    const account = await this.findAccount(claims.sub, claims.via);
    if (claims.via === 'idp' && (!account || (await this.loggedOutSince(claims.sub, claims.iat)))) {
      // The identity server's account is gone (expired), or it logged the user out (back-channel
      // logout) after this session began: so is the session.
      this.end(res);
      return { kind: 'expired' };
    }
    const name = this.nameIfAdmin(claims.sub, account);
    if (!name) {
      this.end(res);
      return { kind: 'not_admin' };
    }
    this.write(res, { ...claims, seen: now });
    return { kind: 'active', user: { sub: claims.sub, name, via: claims.via, sid: claims.sid } };
  }

  private async loggedOutSince(sub: string, since: number): Promise<boolean> {
    const at = await this.external.loggedOutAt(sub);
    return at !== undefined && at >= since;
  }

  /** Ends the session (sign-out, expiry, lost role). */
  end(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /** The CSRF token of the session's forms. */
  csrf(user: ConsoleUser): string {
    return this.mac(`console-form:${user.sid}`);
  }

  /** Whether a posted form carries the session's CSRF token. */
  verifyCsrf(user: ConsoleUser, token: unknown): boolean {
    return typeof token === 'string' && sameText(token, this.csrf(user));
  }

  private write(res: Response, claims: SessionClaims): void {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    res.cookie(SESSION_COOKIE, `${body}.${this.mac(`console-session:${body}`)}`, {
      ...this.cookieOptions(),
      maxAge: this.options.console.idleTimeoutSeconds * 1000,
    });
  }

  private decode(cookie: string | undefined): SessionClaims | undefined {
    const [body, mac, extra] = (cookie ?? '').split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    if (!sameText(mac, this.mac(`console-session:${body}`))) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as SessionClaims;
      const valid =
        typeof claims.sid === 'string' &&
        typeof claims.sub === 'string' &&
        (claims.via === 'password' || claims.via === 'idp') &&
        Number.isFinite(claims.iat) &&
        Number.isFinite(claims.seen);
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(text: string): string {
    return createHmac('sha256', this.keys.cookieSecret()).update(text).digest('base64url');
  }

  private cookieOptions() {
    return {
      httpOnly: true,
      sameSite: 'strict' as const,
      path: this.options.routes.console,
      secure: this.options.issuer.startsWith('https:'),
    };
  }
}
