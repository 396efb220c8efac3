import {
  Body,
  Controller,
  Get,
  Inject,
  Logger,
  Optional,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { CredentialsVerifier } from '../accounts/account.port.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { renderPage } from '../errors/error.renderer.js';
import { pageError } from '../errors/page.error.js';
import { ExternalLoginService } from '../interaction/external-login.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { requestView, sendPage } from '../pages/page.headers.js';
import type { PageMessages } from '../pages/page-messages.types.js';
import { LoginThrottleService, type LoginAttempt } from '../security/login-throttle.service.js';
import { requestIdOf } from '../security/request-guard.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ConsoleLoginBinding } from './console-login.binding.js';
import { ConsoleSessionService } from './console-session.service.js';
import { formText } from '../pages/page.form.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate } from './console.gate.js';
import { consoleLinkPage, consoleSignInPage } from './console.pages.js';

type Form = Record<string, unknown>;
/** Credentials are taken as posted: neither trimmed nor cut. */
const AS_POSTED = { trim: false, max: Infinity };

/**
 * The console's sign-in and sign-out: the built-in login (`CredentialsVerifier`, throttled like
 * every login) and/or the identity server (through the one registered callback), each for an
 * account holding `console.adminRole`. A sign-in never starts the engine's browser session.
 */
@UseFilters(ConsoleErrorFilter)
@Controller(ROUTE_SEGMENTS.console)
export class ConsoleLoginController {
  private readonly logger = new Logger('AdminConsole');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly gate: ConsoleGate,
    private readonly sessions: ConsoleSessionService,
    private readonly binding: ConsoleLoginBinding,
    private readonly external: ExternalLoginService,
    private readonly throttle: LoginThrottleService,
    @Optional() private readonly credentials?: CredentialsVerifier,
  ) {}

  /** Password logins: the host's verifier, unless the identity server took the login over. */
  private get passwordLogin(): boolean {
    const idp = this.options.externalLogin;
    return Boolean(this.credentials) && (!idp || idp.passwordLogin);
  }

  @Get()
  home(@Res() res: Response): void {
    if (this.gate.open(res)) res.redirect(303, `${this.gate.base}/apps`);
  }

  @Get('login')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.gate.open(res)) return;
    const state = await this.sessions.read(req, res);
    if (state.kind === 'active') return res.redirect(303, `${this.gate.base}/apps`);
    const info = req.query.expired ? (m: PageMessages) => m.console.signIn.expired : undefined;
    this.offer(req, res, { info });
  }

  @Post('login')
  async login(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.gate.open(res)) return;
    if (!this.passwordLogin) return this.offer(req, res);
    if (!this.binding.verify(req, form.csrf)) return this.refuse(res);
    const username = formText(form.username, AS_POSTED);
    const password = formText(form.password, AS_POSTED);
    const attempt: LoginAttempt = { username, ip: req.ip, requestId: requestIdOf(req) };
    const throttled = this.throttle.blocked(attempt);
    if (throttled) {
      res.set('Retry-After', String(throttled.retryAfterSeconds));
      return this.offer(req, res, { error: (m) => m.login.tooMany, username, status: 429 });
    }
    const sub =
      username && password ? await this.credentials!.verify(username, password) : undefined;
    if (!sub) {
      await this.throttle.failed(attempt);
      return this.offer(req, res, { error: (m) => m.login.invalid, username, status: 401 });
    }
    await this.throttle.succeeded({ ...attempt, accountId: sub });
    if (!(await this.sessions.adminName(sub, 'password'))) return this.notAdmin(res);
    this.sessions.start(res, sub, 'password');
    res.redirect(303, `${this.gate.base}/apps`);
  }

  @Post('login/idp')
  async startExternal(@Body() form: Form, @Req() req: Request, @Res() res: Response) {
    if (!this.gate.open(res)) return;
    if (!this.external.enabled) return this.offer(req, res);
    const binding = this.binding.verify(req, form.csrf);
    if (!binding) return this.refuse(res);
    await this.external.redirectOrUnavailable(this.binding.externalLoginId(binding), res);
  }

  /**
   * Back from the identity server. The session cookie is SameSite=Strict, and this request ends a
   * redirect chain another site started: the browser would not send it on a redirect from here,
   * so a page with a link (a same-site navigation) leads into the console.
   */
  @Get('login/idp')
  async completeExternal(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.gate.open(res)) return;
    const binding = this.binding.read(req);
    const sub =
      binding && this.external.enabled
        ? await this.external
            .complete(this.binding.externalLoginId(binding), req.originalUrl)
            .catch((err: Error) => {
              this.logger.warn(`external login failed: ${err.message}`);
              return undefined;
            })
        : undefined;
    if (!sub) return renderPage(res, pageError(401, 'idpNotConfirmed'), this.options);
    if (!(await this.sessions.adminName(sub, 'idp'))) return this.notAdmin(res);
    this.sessions.start(res, sub, 'idp');
    const view = requestView(this.options, req);
    const m = view.messages.console;
    const html = consoleLinkPage(view, {
      heading: m.title,
      text: m.signIn.signedIn,
      href: `${this.gate.base}/apps`,
      link: m.signIn.continue,
    });
    sendPage(res, this.options, view, html);
  }

  @Post('logout')
  async logout(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const at = await this.gate.enterForm(req, res, form);
    if (!at) return;
    this.sessions.end(res);
    const m = at.view.messages.console;
    const html = consoleLinkPage(at.view, {
      heading: m.signOut,
      text: m.signedOut,
      href: `${this.gate.base}/login`,
      link: m.signIn.heading,
    });
    sendPage(res, this.options, at.view, html);
  }

  private offer(
    req: Request,
    res: Response,
    page: {
      error?: (m: PageMessages) => string;
      info?: (m: PageMessages) => string;
      username?: string;
      status?: number;
    } = {},
  ): void {
    if (!this.external.enabled && !this.credentials) {
      return renderPage(res, pageError(503, 'noLoginMethod'), this.options);
    }
    const view = requestView(this.options, req);
    const html = consoleSignInPage(view, {
      base: this.gate.base,
      csrf: this.binding.csrfToken(this.binding.ensure(req, res)),
      password: this.passwordLogin,
      external: this.external.enabled,
      error: page.error?.(view.messages),
      info: page.info?.(view.messages),
      username: page.username,
    });
    sendPage(res, this.options, view, html, page.status);
  }

  private refuse(res: Response): void {
    renderPage(res, pageError(403, 'formRefused'), this.options);
  }

  private notAdmin(res: Response): void {
    this.sessions.end(res);
    renderPage(res, pageError(403, 'consoleNotAdmin'), this.options);
  }
}
