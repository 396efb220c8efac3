import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/** External logins started by the account page carry this prefix instead of an interaction uid. */
const EXTERNAL_LOGIN_PREFIX = 'account-page:';
const COOKIE = 'smart_account_login';
const VALUE = /^[A-Za-z0-9_-]{43}$/;

/** Whether an external login's callback belongs to the account page (not to an interaction). */
export const isAccountPageLogin = (uid: string): boolean => uid.startsWith(EXTERNAL_LOGIN_PREFIX);

/**
 * Binds the account page's sign-in to the browser that loaded it, before any session exists
 * (login CSRF): a random value in an HttpOnly, SameSite=Lax cookie scoped to the account page,
 * and in the form an HMAC of it under the shared cookie secret. An external login started here
 * is bound to the same value, so only this browser can complete it.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.12
 */
@Injectable()
export class AccountLoginBinding {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: EngineKeys,
  ) {}

  /** The browser's binding; a new one (cookie set on `res`) when it has none. */
  ensure(req: Request, res: Response): string {
    const current = this.read(req);
    if (current) return current;
    const value = randomBytes(32).toString('base64url');
    res.cookie(COOKIE, value, this.cookieOptions());
    return value;
  }

  /** The binding when the posted form token matches it, else undefined. */
  verify(req: Request, token: unknown): string | undefined {
    const binding = this.read(req);
    if (!binding || typeof token !== 'string') return undefined;
    const expected = Buffer.from(this.csrfToken(binding));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? binding
      : undefined;
  }

  /** The binding cookie, if the request carries a well-formed one. */
  read(req: Request): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === COOKIE) {
        const value = part.slice(eq + 1).trim();
        return VALUE.test(value) ? value : undefined;
      }
    }
    return undefined;
  }

  /** Ends the binding (after a login). */
  clear(res: Response): void {
    res.clearCookie(COOKIE, this.cookieOptions());
  }

  csrfToken(binding: string): string {
    return createHmac('sha256', this.host.cookieSecret())
      .update(`account-login:${binding}`)
      .digest('base64url');
  }

  /** The id an external login started from this browser's account page is kept under. */
  externalLoginId(binding: string): string {
    return `${EXTERNAL_LOGIN_PREFIX}${createHash('sha256').update(binding).digest('base64url')}`;
  }

  private cookieOptions() {
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      path: this.options.routes.account,
      secure: this.options.issuer.startsWith('https:'),
    };
  }
}
