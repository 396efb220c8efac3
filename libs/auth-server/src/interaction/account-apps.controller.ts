import { createHmac } from 'node:crypto';
import { sameText } from '../common/same-text.rules.js';
import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeScope, parseScopes } from '@smart-openehr/scopes';
import type { AccountResolver } from '../accounts/account.port.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { EngineSessions, type SignedInUser } from '../provider/ports/engine-sessions.port.js';
import { ACCOUNTS, SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { AccountAppsService, type AccountApp } from './account-apps.service.js';
import { accountAppsPage, type AccountAppView } from './account.pages.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { oauthEndpointPath } from '../common/smart.routes.js';
import { renderPage } from '../errors/error.renderer.js';
import { requestView, sendPage } from '../pages/page.headers.js';
import type { PageLocale } from '../pages/page.locale.js';
import { pageError } from '../errors/page.error.js';

/**
 * `management_endpoint`: the user sees every app holding access to their records (trusted apps
 * included) and revokes it. Without a session it sends the browser to the account page's sign-in,
 * which returns here. Revoke forms carry a CSRF token bound to the session.
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#metadata (management_endpoint)
 */
@Controller(ROUTE_SEGMENTS.account)
export class AccountAppsController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
    private readonly sessions: EngineSessions,
    private readonly keys: EngineKeys,
    private readonly apps: AccountAppsService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.sessions.signedInUser(req, res);
    if (!user) return this.toSignIn(res);
    const [apps, account] = await Promise.all([
      this.apps.list(user.accountId),
      this.accounts.findAccount(user.accountId),
    ]);
    const view = requestView(this.options, req);
    const html = accountAppsPage(view, {
      base: this.options.routes.account,
      userName: account?.name ?? user.accountId,
      csrf: this.csrf(user),
      apps: apps.map((app) => this.appView(app, view.locale)),
      logoutUrl: oauthEndpointPath(this.options.routes, 'end_session'),
    });
    sendPage(res, this.options, view, html);
  }

  @Post('revoke')
  async revoke(
    @Body() form: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.sessions.signedInUser(req, res);
    if (!user) return this.toSignIn(res);
    if (
      typeof form.csrf !== 'string' ||
      !sameText(form.csrf, this.csrf(user)) ||
      typeof form.client_id !== 'string'
    ) {
      return renderPage(res, pageError(403, 'formRefused'), this.options);
    }
    await this.apps.revoke(user.accountId, form.client_id);
    res.redirect(303, this.options.routes.account);
  }

  private appView(app: AccountApp, locale: PageLocale): AccountAppView {
    const parsed = parseScopes(app.scopes.join(' '), { extraScopes: this.options.extraScopes });
    return {
      ...app,
      scopes: parsed.valid.map((s) => ({ scope: s.raw, description: describeScope(s, locale) })),
    };
  }

  private csrf(user: SignedInUser): string {
    return createHmac('sha256', this.keys.cookieSecret())
      .update(`apps:${user.sessionUid}`)
      .digest('base64url');
  }

  private toSignIn(res: Response): void {
    res.redirect(303, `${this.options.routes.account}/login`);
  }
}
