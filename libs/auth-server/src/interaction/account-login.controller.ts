import { Body, Controller, Get, Inject, Logger, Optional, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CredentialsVerifier } from '../accounts/account.port.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { cookieSameSite } from '../provider/oidc-configuration.builder.js';
import { EngineSessions } from '../provider/ports/engine-sessions.port.js';
import { LoginThrottleService, type LoginAttempt } from '../security/login-throttle.service.js';
import { requestIdOf } from '../security/request-guard.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { AccountLoginBinding } from './account-login.binding.js';
import { accountSignInPage } from './account.pages.js';
import { ExternalLoginService } from './external-login.service.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { renderPage } from '../errors/error.renderer.js';
import { requestView, sendPage } from '../pages/page.headers.js';
import type { PageMessages } from '../pages/page-messages.types.js';
import { pageError } from '../errors/page.error.js';

type Form = Record<string, unknown>;

/**
 * The account page's own sign-in, for a visitor who comes without a session (e.g. from an app's
 * link): the built-in login form, the external OpenID Connect provider when one is configured, or
 * both with `externalLogin.passwordLogin`, as in an authorization. A successful login starts the engine's browser session and always
 * returns to the account page: no parameter names a return target, so none can redirect elsewhere.
 */
@Controller(`${ROUTE_SEGMENTS.account}/login`)
export class AccountLoginController {
  private readonly logger = new Logger('AccountLogin');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly sessions: EngineSessions,
    private readonly binding: AccountLoginBinding,
    private readonly external: ExternalLoginService,
    private readonly throttle: LoginThrottleService,
    @Optional() private readonly credentials?: CredentialsVerifier,
  ) {}

  /** The password form is offered: a `CredentialsVerifier`, and no identity server or both allowed. */
  private get passwordLogin(): boolean {
    const idp = this.options.externalLogin;
    return this.credentials !== undefined && (idp === undefined || idp.passwordLogin);
  }

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (await this.sessions.signedInUser(req, res)) return this.backToPage(res);
    this.offer(req, res);
  }

  @Post()
  async login(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.credentials || !this.passwordLogin) return this.offer(req, res);
    if (!this.binding.verify(req, form.csrf)) return this.refuse(res);
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const attempt: LoginAttempt = { username, ip: req.ip, requestId: requestIdOf(req) };
    const throttled = this.throttle.blocked(attempt);
    if (throttled) {
      res.set('Retry-After', String(throttled.retryAfterSeconds));
      const error = (m: PageMessages) => m.login.tooMany;
      return this.offer(req, res, { error, username, status: 429 });
    }
    const accountId =
      username && password ? await this.credentials.verify(username, password) : undefined;
    if (!accountId) {
      await this.throttle.failed(attempt);
      const error = (m: PageMessages) => m.login.invalid;
      return this.offer(req, res, { error, username, status: 401 });
    }
    await this.throttle.succeeded({ ...attempt, accountId });
    await this.signIn(req, res, accountId);
  }

  @Post('idp')
  async startExternal(
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.external.enabled) return this.offer(req, res);
    const binding = this.binding.verify(req, form.csrf);
    if (!binding) return this.refuse(res);
    await this.external.redirectOrUnavailable(this.binding.externalLoginId(binding), res);
  }

  /** Back from the external provider (through its registered callback, which sends us here). */
  @Get('idp')
  async completeExternal(@Req() req: Request, @Res() res: Response): Promise<void> {
    const binding = this.binding.read(req);
    const accountId =
      binding && this.external.enabled
        ? await this.external
            .complete(this.binding.externalLoginId(binding), req.originalUrl)
            .catch((err: Error) => {
              this.logger.warn(`external login failed: ${err.message}`);
              return undefined;
            })
        : undefined;
    if (!accountId) return renderPage(res, pageError(401, 'idpNotConfirmed'), this.options);
    await this.signIn(req, res, accountId);
  }

  private async signIn(req: Request, res: Response, accountId: string): Promise<void> {
    await this.sessions.signIn(req, res, {
      accountId,
      ttlSeconds: this.options.sessionTtlSeconds,
      sameSite: cookieSameSite(this.options),
    });
    this.binding.clear(res);
    this.backToPage(res);
  }

  private backToPage(res: Response): void {
    res.redirect(303, this.options.routes.account);
  }

  /** The sign-in page (with its form bound to this browser), or 503 when no login is configured. */
  private offer(
    req: Request,
    res: Response,
    page: { error?: (m: PageMessages) => string; username?: string; status?: number } = {},
  ): void {
    const methods = { password: this.passwordLogin, external: this.external.enabled };
    if (!methods.password && !methods.external) {
      return renderPage(res, pageError(503, 'noLoginMethod'), this.options);
    }
    const csrf = this.binding.csrfToken(this.binding.ensure(req, res));
    const view = requestView(this.options, req);
    const html = accountSignInPage(view, {
      base: this.options.routes.account,
      csrf,
      methods,
      error: page.error?.(view.messages),
      username: page.username,
    });
    sendPage(res, this.options, view, html, page.status);
  }

  private refuse(res: Response): void {
    renderPage(res, pageError(403, 'formRefused'), this.options);
  }
}
