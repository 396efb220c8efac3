import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { renderPage } from '../errors/error.renderer.js';
import { pageError } from '../errors/page.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { requestView, sendPage } from '../pages/page.headers.js';
import type { PageView } from '../pages/page.layout.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ConsoleSessionService, type ConsoleUser } from './console-session.service.js';
import { consolePage, type ConsoleSection } from './console.pages.js';

/** A signed-in console request: who, as which audit actor, and how to answer it with a page. */
export interface ConsoleRequest {
  user: ConsoleUser;
  by: SmartAdminActor;
  view: PageView;
  csrf: string;
}

/**
 * The door of every console page: 404 while the console is off; to the sign-in without a session
 * (with a notice when it expired); 403 when the account lost the admin role; for a form, 403
 * unless it carries the session's CSRF token. Also renders pages (failures: `ConsoleErrorFilter`).
 */
@Injectable()
export class ConsoleGate {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly sessions: ConsoleSessionService,
  ) {}

  get enabled(): boolean {
    return this.options.console.enabled;
  }

  get base(): string {
    return this.options.routes.console;
  }

  /** 404 when the console is off; returns whether it is on. */
  open(res: Response): boolean {
    if (!this.enabled) renderPage(res, pageError(404, 'consoleNotFound'), this.options);
    return this.enabled;
  }

  /** The signed-in admin, or undefined once the answer (404, redirect, 403) is written. */
  async enter(req: Request, res: Response): Promise<ConsoleRequest | undefined> {
    if (!this.open(res)) return undefined;
    const state = await this.sessions.read(req, res);
    switch (state.kind) {
      case 'none':
        res.redirect(303, `${this.base}/login`);
        return undefined;
      case 'expired':
        res.redirect(303, `${this.base}/login?expired=1`);
        return undefined;
      case 'not_admin':
        renderPage(res, pageError(403, 'consoleNotAdmin'), this.options);
        return undefined;
      case 'active':
        return {
          user: state.user,
          by: this.sessions.actor(state.user, req),
          view: requestView(this.options, req),
          csrf: this.sessions.csrf(state.user),
        };
    }
  }

  /** As `enter`, for a posted form: 403 (and nothing done) without the session's CSRF token. */
  async enterForm(
    req: Request,
    res: Response,
    form: Record<string, unknown>,
  ): Promise<ConsoleRequest | undefined> {
    const entered = await this.enter(req, res);
    if (!entered) return undefined;
    if (this.sessions.verifyCsrf(entered.user, form.csrf)) return entered;
    renderPage(res, pageError(403, 'formRefused'), this.options);
    return undefined;
  }

  /** Sends a console page of `section`. */
  send(
    res: Response,
    at: ConsoleRequest,
    section: ConsoleSection,
    heading: string,
    content: string,
    status = 200,
  ): void {
    const frame = { base: this.base, userName: at.user.name, csrf: at.csrf, section };
    sendPage(res, this.options, at.view, consolePage(at.view, frame, heading, content), status);
  }
}
