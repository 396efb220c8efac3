import { Body, Controller, Get, Inject, Logger, Optional, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeScope } from '@smart-openehr/scopes';
import { CredentialsVerifier } from '../accounts/account.port.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { ProviderHost } from '../provider/provider-host.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { isAccountPageLogin } from './account-login.binding.js';
import { ExternalLoginService } from './external-login.service.js';
import {
  InteractionFlowService,
  type ConsentStep,
  type InteractionDetails,
} from './interaction-flow.service.js';
import { consentPage, loginPage, messagePage, pickerPage } from './interaction.pages.js';
import { sendPage } from './page.headers.js';
import { LoginThrottleService, type LoginAttempt } from '../security/login-throttle.service.js';
import { requestIdOf } from '../security/request-guard.service.js';
import { ROUTE_SEGMENTS } from '../common/routes.js';

type Form = Record<string, unknown>;
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? (v as unknown[]) : [v]).filter((x): x is string => typeof x === 'string');

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
 * The interaction pages the engine sends users to: login, patient/episode picker and consent.
 * Every form carries a CSRF token bound to the interaction; the engine binds the interaction to
 * the browser with its `_interaction` cookie.
 */
@Controller(ROUTE_SEGMENTS.interaction)
export class InteractionController {
  private readonly logger = new Logger('Interaction');

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: ProviderHost,
    private readonly flow: InteractionFlowService,
    private readonly external: ExternalLoginService,
    private readonly throttle: LoginThrottleService,
    @Optional() private readonly credentials?: CredentialsVerifier,
  ) {}

  @Get('callback/idp')
  async idpCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const uid = await this.external.uidForCallback(req.query.state);
    if (!uid)
      return sendPage(
        res,
        this.options,
        messagePage('Sign-in failed', 'The sign-in request is unknown or has expired.'),
        400,
      );
    const query = new URL(req.originalUrl, 'http://x').search;
    // The one callback registered at the provider also serves the account page's own sign-in.
    if (isAccountPageLogin(uid))
      return res.redirect(303, `${this.options.routes.account}/login/idp${query}`);
    res.redirect(303, `${this.options.routes.interaction}/${encodeURIComponent(uid)}/idp${query}`);
  }

  @Get(':uid')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (details.prompt.name === 'login') return this.showLogin(details, req, res);
    return this.advance(details, req, res, await this.flow.consentStep(details));
  }

  @Get(':uid/idp')
  async idpReturn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const accountId = await this.external
      .complete(details.uid, req.originalUrl)
      .catch((err: Error) => {
        this.logger.warn(`external login failed: ${err.message}`);
        return undefined;
      });
    if (!accountId)
      return sendPage(
        res,
        this.options,
        messagePage('Sign-in failed', 'The identity provider did not confirm who you are.'),
        401,
      );
    await this.finishLogin(req, res, accountId);
  }

  @Post(':uid/login')
  async login(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details || !this.csrfOk(details, form, res)) return;
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const attempt = loginAttempt(req, details, username);
    const throttled = this.throttle.blocked(attempt);
    if (throttled) {
      res.set('Retry-After', String(throttled.retryAfterSeconds));
      const minutes = Math.ceil(throttled.retryAfterSeconds / 60);
      const error = `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`;
      return this.loginAgain(details, res, { error, username, status: 429 });
    }
    const accountId =
      this.credentials && username && password
        ? await this.credentials.verify(username, password)
        : undefined;
    if (!accountId) {
      await this.throttle.failed(attempt);
      const error = 'Invalid username or password.';
      return this.loginAgain(details, res, { error, username, status: 401 });
    }
    await this.throttle.succeeded({ ...attempt, accountId });
    await this.finishLogin(req, res, accountId);
  }

  @Post(':uid/pick')
  async pick(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details || !this.csrfOk(details, form, res)) return;
    if (typeof form.ehrId === 'string') {
      const record = (await this.flow.candidates(details)).find((c) => c.ehrId === form.ehrId);
      if (!record)
        return sendPage(
          res,
          this.options,
          messagePage('Not allowed', 'That patient is not available to you.'),
          403,
        );
      await this.flow.savePick(details.uid, { record });
    } else if (typeof form.episodeId === 'string') {
      const record = await this.flow.pickedRecord(details.uid);
      if (!record?.episodes?.some((e) => e.id === form.episodeId)) {
        return sendPage(
          res,
          this.options,
          messagePage('Not allowed', 'That episode is not available.'),
          403,
        );
      }
      await this.flow.savePick(details.uid, { episodeId: form.episodeId });
    }
    res.redirect(303, `${this.options.routes.interaction}/${encodeURIComponent(details.uid)}`);
  }

  @Post(':uid/consent')
  async consent(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(req, res);
    if (!details || !this.csrfOk(details, form, res)) return;
    if (details.prompt.name !== 'consent')
      return res.redirect(
        303,
        `${this.options.routes.interaction}/${encodeURIComponent(details.uid)}`,
      );
    if (form.decision !== 'allow') {
      await this.host.provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user denied access' },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    await this.advance(details, req, res, await this.flow.consentStep(details, list(form.scope)));
  }

  private async advance(
    details: InteractionDetails,
    req: Request,
    res: Response,
    step: ConsentStep,
  ): Promise<void> {
    const uid = details.uid;
    const csrf = this.flow.csrfToken(uid);
    switch (step.kind) {
      case 'pick-patient':
        return sendPage(
          res,
          this.options,
          pickerPage({
            action: `${this.options.routes.interaction}/${uid}/pick`,
            csrf,
            clientName: step.client.metadata.client_name ?? 'The app',
            field: 'ehrId',
            options: step.candidates.map((c) => ({
              value: c.ehrId,
              label: c.birthDate ? `${c.name} (born ${c.birthDate})` : c.name,
            })),
          }),
        );
      case 'pick-episode':
        return sendPage(
          res,
          this.options,
          pickerPage({
            action: `${this.options.routes.interaction}/${uid}/pick`,
            csrf,
            clientName: step.client.metadata.client_name ?? 'The app',
            field: 'episodeId',
            options: (step.record.episodes ?? []).map((e) => ({ value: e.id, label: e.name })),
          }),
        );
      case 'ask':
        return sendPage(
          res,
          this.options,
          consentPage({
            action: `${this.options.routes.interaction}/${uid}/consent`,
            csrf,
            clientName: step.client.metadata.client_name ?? 'The app',
            items: step.scopes.map((s) => ({ scope: s.raw, description: describeScope(s) })),
            context: step.context.ehrId
              ? `For the patient record ${step.context.patient ?? step.context.ehrId}.`
              : undefined,
          }),
        );
      case 'refuse':
        await this.host.provider.interactionFinished(
          req,
          res,
          { error: step.error, error_description: step.description },
          { mergeWithLastSubmission: true },
        );
        return;
      case 'finish': {
        const result = await this.flow.finish(details, step.scopes);
        await this.host.provider.interactionFinished(
          req,
          res,
          'kind' in result
            ? { error: result.error, error_description: result.description }
            : result,
          { mergeWithLastSubmission: true },
        );
        return;
      }
    }
  }

  private async showLogin(details: InteractionDetails, req: Request, res: Response): Promise<void> {
    if (this.external.enabled) {
      const url = await this.external.start(details.uid).catch((err: Error) => {
        this.logger.warn(`identity provider unavailable: ${err.message}`);
        return undefined;
      });
      if (url) return res.redirect(303, url);
      res.set('Retry-After', '30');
      return sendPage(
        res,
        this.options,
        messagePage(
          'Sign-in unavailable',
          'The identity provider cannot be reached right now. Try again in a moment.',
        ),
        503,
      );
    }
    const client = await this.flow.clientOf(details);
    if (!this.credentials) {
      return sendPage(
        res,
        this.options,
        messagePage('Sign-in unavailable', 'No login method is configured on this platform.'),
        503,
      );
    }
    void req;
    sendPage(
      res,
      this.options,
      loginPage({
        action: `${this.options.routes.interaction}/${details.uid}/login`,
        csrf: this.flow.csrfToken(details.uid),
        clientName: client?.metadata.client_name ?? 'An app',
      }),
    );
  }

  private async loginAgain(
    details: InteractionDetails,
    res: Response,
    page: { error: string; username: string; status: number },
  ): Promise<void> {
    const client = await this.flow.clientOf(details);
    const html = loginPage({
      action: `${this.options.routes.interaction}/${details.uid}/login`,
      csrf: this.flow.csrfToken(details.uid),
      clientName: client?.metadata.client_name ?? 'An app',
      error: page.error,
      username: page.username,
    });
    sendPage(res, this.options, html, page.status);
  }

  private async finishLogin(req: Request, res: Response, accountId: string): Promise<void> {
    await this.host.provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
  }

  private csrfOk(details: InteractionDetails, form: Form, res: Response): boolean {
    if (this.flow.checkCsrf(details.uid, form.csrf)) return true;
    sendPage(
      res,
      this.options,
      messagePage(
        'Request refused',
        'The form has expired or did not come from this site. Go back and try again.',
      ),
      403,
    );
    return false;
  }

  private async details(req: Request, res: Response): Promise<InteractionDetails | undefined> {
    try {
      const details = await this.host.provider.interactionDetails(req, res);
      // The engine finds the interaction by its cookie: it must be the one the URL names.
      const named = (req.params as Record<string, string | undefined>).uid;
      if (named !== undefined && named !== details.uid) throw new Error('interaction mismatch');
      return details;
    } catch {
      sendPage(
        res,
        this.options,
        messagePage(
          'Session expired',
          'This sign-in session has expired or belongs to another browser. Go back to the app and start again.',
        ),
        400,
      );
      return undefined;
    }
  }
}
