import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import { isAccountPageLogin } from './account-login.binding.js';
import { CONSOLE_LOGIN_PREFIX, ExternalLoginService } from './external-login.service.js';
import { InteractionFlowService } from './interaction-flow.service.js';
import { InteractionLoginService } from './interaction-login.service.js';
import { InteractionStepsService } from './interaction-steps.service.js';
import { PatientPickerService } from './patient-picker.service.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { renderPage } from '../errors/error.renderer.js';
import { pageError } from '../errors/page.error.js';

type Form = Record<string, unknown>;
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? (v as unknown[]) : [v]).filter((x): x is string => typeof x === 'string');

/**
 * The interaction pages the engine sends users to: login, patient/episode picker and consent.
 * Every form carries a CSRF token bound to the interaction; the engine binds the interaction to
 * the browser with its `_interaction` cookie. The login step is InteractionLoginService, the
 * shared steps (and the consent pages) InteractionStepsService.
 */
@Controller(ROUTE_SEGMENTS.interaction)
export class InteractionController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly steps: InteractionStepsService,
    private readonly login: InteractionLoginService,
    private readonly flow: InteractionFlowService,
    private readonly picker: PatientPickerService,
    private readonly external: ExternalLoginService,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  // Declared before ':uid/idp', which would match it too (Express matches in this order).
  @Get('callback/idp')
  async idpCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const uid = await this.external.uidForCallback(req.query.state);
    if (!uid) return renderPage(res, pageError(400, 'idpRequestUnknown'), this.options);
    const query = new URL(req.originalUrl, 'http://x').search;
    // The one callback registered at the provider also serves the account page's and the
    // console's own sign-in.
    if (isAccountPageLogin(uid))
      return res.redirect(303, `${this.options.routes.account}/login/idp${query}`);
    if (uid.startsWith(CONSOLE_LOGIN_PREFIX))
      return res.redirect(303, `${this.options.routes.console}/login/idp${query}`);
    res.redirect(303, `${this.options.routes.interaction}/${encodeURIComponent(uid)}/idp${query}`);
  }

  @Get(':uid')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details) return;
    if (details.prompt.name === 'login') return this.login.show(details, res);
    return this.steps.advance(details, res, await this.flow.consentStep(details));
  }

  @Get(':uid/idp')
  async idpReturn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details) return;
    await this.login.withIdentityProvider(details, req, res);
  }

  /** The login page's button to the identity server (when the password form is offered too). */
  @Post(':uid/idp')
  async identityServerLogin(
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details || !this.steps.csrfOk(details, form, res)) return;
    await this.login.toIdentityServer(details, res);
  }

  @Post(':uid/login')
  async passwordLogin(
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details || !this.steps.csrfOk(details, form, res)) return;
    await this.login.withPassword(details, form, req, res);
  }

  @Post(':uid/pick')
  async pick(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details || !this.steps.csrfOk(details, form, res)) return;
    if (typeof form.ehrId === 'string') {
      const record = (await this.picker.candidates(details)).find((c) => c.ehrId === form.ehrId);
      if (!record)
        return this.steps.refusePage(details, res, pageError(403, 'patientNotAvailable'));
      await this.picker.savePick(details.uid, { record });
    } else if (typeof form.episodeId === 'string') {
      const record = await this.picker.pickedRecord(details.uid);
      if (!record?.episodes?.some((e) => e.id === form.episodeId)) {
        return this.steps.refusePage(details, res, pageError(403, 'episodeNotAvailable'));
      }
      await this.picker.savePick(details.uid, { episodeId: form.episodeId });
    }
    res.redirect(303, `${this.options.routes.interaction}/${encodeURIComponent(details.uid)}`);
  }

  @Post(':uid/consent')
  async consent(@Body() form: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.steps.details(req, res);
    if (!details || !this.steps.csrfOk(details, form, res)) return;
    if (details.prompt.name !== 'consent')
      return res.redirect(
        303,
        `${this.options.routes.interaction}/${encodeURIComponent(details.uid)}`,
      );
    this.metrics.consent(form.decision === 'allow' ? 'allow' : 'deny');
    if (form.decision !== 'allow') {
      return this.steps.refuse(details, res, 'access_denied', 'the user denied access');
    }
    await this.steps.advance(details, res, await this.flow.consentStep(details, list(form.scope)));
  }
}
