import { createHmac, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeScope, parseScopes } from '@smart-openehr/scopes';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { ProviderHost } from '../provider/provider-host.service.js';
import { GrantAccessTokensService } from '../security/grant-access-tokens.service.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ConsentStoreService } from './consent-store.service.js';
import { escapeHtml, layout, messagePage } from './interaction.pages.js';
import { sendPage } from './page.headers.js';

/**
 * `management_endpoint`: a signed-in user sees the apps they approved and revokes them.
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#metadata (management_endpoint)
 */
@Controller('account/apps')
export class AccountAppsController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly host: ProviderHost,
    private readonly consents: ConsentStoreService,
    private readonly clients: ClientRegistryService,
    private readonly grantTokens: GrantAccessTokensService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return this.signedOut(res);
    const apps = await this.consents.list(session.accountId);
    const rows = await Promise.all(
      apps.map(async (app) => {
        const client = await this.clients.find(app.clientId);
        const items = parseScopes(app.scopes.join(' '), { extraScopes: this.options.extraScopes })
          .valid.map((s) => `<li>${escapeHtml(describeScope(s))}</li>`)
          .join('');
        return `<section><h2>${escapeHtml(client?.metadata.client_name ?? app.clientId)}</h2><ul>${items}</ul>
<form method="post" action="/account/apps/revoke"><input type="hidden" name="csrf" value="${this.csrf(session.uid)}">
<input type="hidden" name="client_id" value="${escapeHtml(app.clientId)}"><button type="submit">Revoke access</button></form></section>`;
      }),
    );
    const body = rows.length ? rows.join('\n') : '<p>You have not approved any app.</p>';
    sendPage(
      res,
      this.options,
      layout('Your apps', `<h1>Apps with access to your records</h1>${body}`),
    );
  }

  @Post('revoke')
  async revoke(
    @Body() form: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return this.signedOut(res);
    const given = Buffer.from(typeof form.csrf === 'string' ? form.csrf : '');
    const expected = Buffer.from(this.csrf(session.uid));
    if (
      given.length !== expected.length ||
      !timingSafeEqual(given, expected) ||
      typeof form.client_id !== 'string'
    ) {
      return sendPage(
        res,
        this.options,
        messagePage('Request refused', 'The form has expired. Reload the page.'),
        403,
      );
    }
    for (const grantId of await this.consents.revokeApp(session.accountId, form.client_id)) {
      await this.host.provider.Grant.adapter.revokeByGrantId(grantId);
      await this.grantTokens.revokeGrant(grantId);
    }
    res.redirect(303, '/account/apps');
  }

  private csrf(sessionUid: string): string {
    return createHmac('sha256', this.host.cookieSecret)
      .update(`apps:${sessionUid}`)
      .digest('base64url');
  }

  private async session(
    req: Request,
    res: Response,
  ): Promise<{ accountId: string; uid: string } | undefined> {
    const ctx = this.host.provider.createContext(req, res);
    const session = (await this.host.provider.Session.get(ctx)) as {
      accountId?: string;
      uid: string;
    };
    return session.accountId ? { accountId: session.accountId, uid: session.uid } : undefined;
  }

  private signedOut(res: Response): void {
    sendPage(
      res,
      this.options,
      messagePage('Not signed in', 'Sign in through one of your apps first, then come back here.'),
      401,
    );
  }
}
