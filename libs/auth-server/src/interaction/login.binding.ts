import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { sameText } from '../common/same-text.rules.js';

const VALUE = /^[A-Za-z0-9_-]{43}$/;

/** A cookie of the request by name (the raw value), if it carries one. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Where a login binding lives: its cookie, the cookie's path, and its external logins' prefix. */
export interface LoginBindingSettings {
  /** The cookie's name (`smart_account_login`, `smart_console_login`). */
  cookie: string;
  /** The cookie's path: the pages that sign in (`routes.account`, `routes.console`). */
  path: string;
  /** The prefix of the ids its external logins are kept under (instead of an interaction uid). */
  prefix: string;
  /** What the form token's HMAC is computed for (`account-login`, `console-login`). */
  purpose: string;
  /** Whether the cookie is `Secure` (an https issuer). */
  secure: boolean;
}

/**
 * Binds a sign-in page to the browser that loaded it, before any session exists (login CSRF): a
 * random value in an HttpOnly, SameSite=Lax cookie scoped to the page, and in the form an HMAC of
 * it under the shared cookie secret. An external login started there is bound to the same value,
 * so only this browser can complete it. Used by the account page and the admin console.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-10.12
 */
export class LoginBinding {
  constructor(
    private readonly settings: LoginBindingSettings,
    private readonly secret: () => string,
  ) {}

  /** The browser's binding; a new one (cookie set on `res`) when it has none. */
  ensure(req: IncomingMessage, res: Response): string {
    const current = this.read(req);
    if (current) return current;
    const value = randomBytes(32).toString('base64url');
    res.cookie(this.settings.cookie, value, this.cookieOptions());
    return value;
  }

  /** The binding when the posted form token matches it, else undefined. */
  verify(req: IncomingMessage, token: unknown): string | undefined {
    const binding = this.read(req);
    if (!binding || typeof token !== 'string') return undefined;
    return sameText(token, this.csrfToken(binding)) ? binding : undefined;
  }

  /** The binding cookie, if the request carries a well-formed one. */
  read(req: IncomingMessage): string | undefined {
    const value = readCookie(req, this.settings.cookie);
    return value && VALUE.test(value) ? value : undefined;
  }

  /** Ends the binding (after a login). */
  clear(res: Response): void {
    res.clearCookie(this.settings.cookie, this.cookieOptions());
  }

  /** The sign-in form's token for `binding`. */
  csrfToken(binding: string): string {
    return createHmac('sha256', this.secret())
      .update(`${this.settings.purpose}:${binding}`)
      .digest('base64url');
  }

  /** The id an external login started from this browser's sign-in page is kept under. */
  externalLoginId(binding: string): string {
    const digest = createHash('sha256').update(binding).digest('base64url');
    return `${this.settings.prefix}${digest}`;
  }

  private cookieOptions() {
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      path: this.settings.path,
      secure: this.settings.secure,
    };
  }
}
