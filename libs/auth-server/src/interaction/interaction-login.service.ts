import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CredentialsVerifier } from '../accounts/account.port.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import type { InteractionDetails } from '../provider/ports/engine-interactions.port.js';
import { LoginThrottleService, type LoginAttempt } from '../security/login-throttle.service.js';
import { requestIdOf } from '../security/request-guard.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ExternalLoginService } from './external-login.service.js';
import { InteractionFlowService } from './interaction-flow.service.js';
import { InteractionStepsService } from './interaction-steps.service.js';
import { loginPage } from './interaction.pages.js';
import { sendPage } from '../pages/page.headers.js';
import type { PageMessages } from '../pages/page-messages.types.js';
import { pageError } from '../errors/page.error.js';

/** Who tries to log in, for throttling and security events. */
function loginAttempt(req: Request, details: InteractionDetails, username: string): LoginAttempt {
  const clientId = details.params.client_id;
  return {
    username,
    clientId: typeof clientId === 'string' ? clientId : undefined,
    ip: req.ip,
    requestId: requestIdOf(req),
  };
}

/**
 * The login step of an interaction: the login page (or the redirect to the identity provider),
 * a password login (throttled), and the identity provider's answer.
 */
@Injectable()
export class InteractionLoginService {
  private readonly logger = new Logger('Interaction');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly steps: InteractionStepsService,
    private readonly flow: InteractionFlowService,
    private readonly external: ExternalLoginService,
    private readonly throttle: LoginThrottleService,
    @Optional() private readonly credentials?: CredentialsVerifier,
  ) {}

  /** Whether the password form is offered: a `CredentialsVerifier`, and no identity server or both allowed. */
  private get passwordLogin(): boolean {
    const idp = this.options.externalLogin;
    return this.credentials !== undefined && (idp === undefined || idp.passwordLogin);
  }

  /**
   * The login page (the password form, and a button to the identity server when both are
   * configured), or the redirect to the identity server when it is the only login.
   */
  async show(details: InteractionDetails, res: Response): Promise<void> {
    if (this.external.enabled && !this.passwordLogin) return this.toIdentityServer(details, res);
    if (!this.passwordLogin) {
      return this.steps.refusePage(details, res, pageError(503, 'noLoginMethod'));
    }
    await this.showLoginPage(details, res, {});
  }

  /** Sends the browser to the identity server (from the login step or its button). */
  async toIdentityServer(details: InteractionDetails, res: Response): Promise<void> {
    if (!this.external.enabled) return this.show(details, res);
    const url = await this.external.start(details.uid).catch((err: Error) => {
      this.logger.warn(`identity provider unavailable: ${err.message}`);
      return undefined;
    });
    if (url) return res.redirect(303, url);
    res.set('Retry-After', '30');
    return this.steps.refusePage(details, res, pageError(503, 'idpUnavailable'));
  }

  /** A submitted username and password (the CSRF token already checked). */
  async withPassword(
    details: InteractionDetails,
    form: Record<string, unknown>,
    req: Request,
    res: Response,
  ): Promise<void> {
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const attempt = loginAttempt(req, details, username);
    const throttled = this.throttle.blocked(attempt);
    if (throttled) {
      res.set('Retry-After', String(throttled.retryAfterSeconds));
      const minutes = Math.ceil(throttled.retryAfterSeconds / 60);
      const error = (m: PageMessages) => m.login.tooManyMinutes(minutes);
      return this.showLoginPage(details, res, { error, username, status: 429 });
    }
    const accountId =
      this.credentials && this.passwordLogin && username && password
        ? await this.credentials.verify(username, password)
        : undefined;
    if (!accountId) {
      await this.throttle.failed(attempt);
      const error = (m: PageMessages) => m.login.invalid;
      return this.showLoginPage(details, res, { error, username, status: 401 });
    }
    await this.throttle.succeeded({ ...attempt, accountId });
    await this.steps.finishLogin(details, res, accountId);
  }

  /** The browser back from the identity provider. */
  async withIdentityProvider(
    details: InteractionDetails,
    req: Request,
    res: Response,
  ): Promise<void> {
    const accountId = await this.external
      .complete(details.uid, req.originalUrl)
      .catch((err: Error) => {
        this.logger.warn(`external login failed: ${err.message}`);
        return undefined;
      });
    if (!accountId) return this.steps.refusePage(details, res, pageError(401, 'idpNotConfirmed'));
    await this.steps.finishLogin(details, res, accountId);
  }

  /** The login page, first shown or again with an error (in the interaction's language). */
  private async showLoginPage(
    details: InteractionDetails,
    res: Response,
    page: { error?: (m: PageMessages) => string; username?: string; status?: number },
  ): Promise<void> {
    const client = await this.flow.clientOf(details);
    const base = `${this.options.routes.interaction}/${details.uid}`;
    const view = this.steps.view(details, res);
    const html = loginPage(view, {
      action: `${base}/login`,
      csrf: this.flow.csrfToken(details.uid),
      clientName: client?.metadata.client_name,
      identityServerAction: this.external.enabled ? `${base}/idp` : undefined,
      error: page.error?.(view.messages),
      username: page.username,
    });
    sendPage(res, this.options, view, html, page.status);
  }
}
