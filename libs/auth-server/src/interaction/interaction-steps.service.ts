import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeScope } from '@smart-openehr/scopes';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import {
  EngineInteractions,
  type InteractionDetails,
} from '../provider/ports/engine-interactions.port.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { SmartClient } from '../clients/client.types.js';
import type { ConsentStep } from './consent-step.types.js';
import { InteractionFlowService } from './interaction-flow.service.js';
import { consentPage, pickerPage } from './interaction.pages.js';
import { requestView, sendPage } from '../pages/page.headers.js';
import type { PageView } from '../pages/page.layout.js';
import type { OAuthError } from '../errors/oauth.error.js';
import { renderPage } from '../errors/error.renderer.js';
import { pageError } from '../errors/page.error.js';

/**
 * The steps every interaction page shares: finding the interaction the browser is in, checking
 * a form's CSRF token, and showing the next consent step (picker, consent page) or ending the
 * interaction with the engine.
 */
@Injectable()
export class InteractionStepsService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly engine: EngineInteractions,
    private readonly flow: InteractionFlowService,
  ) {}

  /** The interaction the URL names and the browser is in; otherwise a page says it expired. */
  async details(req: Request, res: Response): Promise<InteractionDetails | undefined> {
    try {
      const details = await this.engine.details(req, res);
      // The engine finds the interaction by its cookie: it must be the one the URL names.
      const named = (req.params as Record<string, string | undefined>).uid;
      if (named !== undefined && named !== details.uid) throw new Error('interaction mismatch');
      return details;
    } catch {
      renderPage(res, pageError(400, 'sessionExpired'), this.options);
      return undefined;
    }
  }

  /** The language, texts and branding of this interaction's pages (`ui_locales`, then the browser's). */
  view(details: InteractionDetails, res: Response): PageView {
    return requestView(this.options, res.req, details.params.ui_locales);
  }

  /** An error page in the interaction's language. */
  refusePage(details: InteractionDetails, res: Response, err: OAuthError): void {
    renderPage(res, err, this.options, details.params.ui_locales);
  }

  /** Whether the form's CSRF token is the interaction's; otherwise a 403 page is sent. */
  csrfOk(details: InteractionDetails, form: Record<string, unknown>, res: Response): boolean {
    if (this.flow.checkCsrf(details.uid, form.csrf)) return true;
    this.refusePage(details, res, pageError(403, 'formRefused'));
    return false;
  }

  /** Ends the interaction with an OAuth error for the app (after the login, which is kept). */
  async refuse(
    details: InteractionDetails,
    res: Response,
    error: string,
    description: string,
  ): Promise<void> {
    await this.engine.finish(
      details,
      res,
      { error, error_description: description },
      { mergeWithLastSubmission: true },
    );
  }

  /** Ends the interaction with a login (a new login replaces any earlier result). */
  async finishLogin(details: InteractionDetails, res: Response, accountId: string): Promise<void> {
    await this.engine.finish(
      details,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** Shows the page the consent step asks for, or ends the interaction. */
  async advance(details: InteractionDetails, res: Response, step: ConsentStep): Promise<void> {
    const uid = details.uid;
    const csrf = this.flow.csrfToken(uid);
    const view = this.view(details, res);
    const picker = (
      client: SmartClient,
      field: 'ehrId' | 'episodeId',
      options: { value: string; label: string }[],
    ) =>
      sendPage(
        res,
        this.options,
        view,
        pickerPage(view, {
          action: `${this.options.routes.interaction}/${uid}/pick`,
          csrf,
          clientName: client.metadata.client_name,
          field,
          options,
        }),
      );
    switch (step.kind) {
      case 'pick-patient':
        return picker(
          step.client,
          'ehrId',
          step.candidates.map((c) => ({
            value: c.ehrId,
            label: c.birthDate ? view.messages.picker.bornOn(c.name, c.birthDate) : c.name,
          })),
        );
      case 'pick-episode':
        return picker(
          step.client,
          'episodeId',
          (step.record.episodes ?? []).map((e) => ({ value: e.id, label: e.name })),
        );
      case 'ask':
        return sendPage(res, this.options, view, this.consentHtml(view, uid, csrf, step));
      case 'refuse':
        return this.refuse(details, res, step.error, step.description);
      case 'finish': {
        const result = await this.flow.finish(details, step.scopes, step.remembered);
        if ('kind' in result) return this.refuse(details, res, result.error, result.description);
        await this.engine.finish(details, res, result, { mergeWithLastSubmission: true });
        return;
      }
    }
  }

  private consentHtml(
    view: PageView,
    uid: string,
    csrf: string,
    step: Extract<ConsentStep, { kind: 'ask' }>,
  ): string {
    const { metadata } = step.client;
    const record = step.context.patient ?? step.context.ehrId;
    return consentPage(view, {
      action: `${this.options.routes.interaction}/${uid}/consent`,
      csrf,
      clientName: metadata.client_name,
      items: step.scopes.map((s) => ({ scope: s.raw, description: describeScope(s, view.locale) })),
      patient: record
        ? { name: step.patient?.name, birthDate: step.patient?.birthDate, record }
        : undefined,
      app: {
        homePage: metadata.client_uri,
        privacyPolicy: metadata.policy_uri,
        termsOfUse: metadata.tos_uri,
      },
    });
  }
}
