import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeScope, parseScopes } from '@smart-openehr/scopes';
import { SmartAuthAdmin } from '../admin/auth-admin.port.js';
import type { ClientViewDto } from '../admin/dto/client-view.dto.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { CLIENT_TYPES } from '../clients/client-type.policy.js';
import { CLIENT_STATUSES } from '../clients/client.types.js';
import {
  appContent,
  appsContent,
  deleteConfirmContent,
  secretContent,
  type AppsQuery,
} from './console-apps.pages.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate, type ConsoleRequest } from './console.gate.js';
import { notice } from './console.pages.js';
import { escapeHtml } from '../pages/page.layout.js';

type Form = Record<string, unknown>;
const PAGE_SIZE = 20;
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined =>
  allowed.find((a) => a === v);

/**
 * The console's apps: list (search, status and client type filters, paging), one app's page,
 * approve or suspend with a reason, secret rotation, delete after a confirmation. Every change goes
 * through `SmartAuthAdmin` with the console user as the audit actor.
 */
@UseFilters(ConsoleErrorFilter)
@Controller(`${ROUTE_SEGMENTS.console}/apps`)
export class ConsoleAppsController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly gate: ConsoleGate,
    private readonly admin: SmartAuthAdmin,
  ) {}

  @Get()
  async list(@Query() raw: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const asked = typeof raw.page === 'string' ? Number.parseInt(raw.page, 10) : 1;
    const page = Math.max(1, Math.min(10_000, asked || 1));
    const query: AppsQuery = {
      q: typeof raw.q === 'string' ? raw.q.slice(0, 200) : '',
      status: oneOf(raw.status, CLIENT_STATUSES),
      type: oneOf(raw.type, CLIENT_TYPES),
      page,
    };
    const result = await this.admin.listClients({
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
      search: query.q || undefined,
      status: query.status,
      clientType: query.type,
    });
    const content = appsContent(at.view, {
      base: this.gate.base,
      query,
      result,
      pageSize: PAGE_SIZE,
    });
    this.gate.send(res, at, 'apps', at.view.messages.console.apps.heading, content);
  }

  @Get(':clientId')
  async show(@Param('clientId') id: string, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const app = await this.admin.getClient(id);
    const done = oneOf(req.query.done, ['approved', 'suspended'] as const);
    const name = app.client_name ?? app.client_id;
    const m = at.view.messages.console.decide;
    const text = done === 'approved' ? m.approved(name) : done ? m.suspended(name) : undefined;
    await this.sendApp(res, at, app, notice(text));
  }

  @Post(':clientId/decide')
  async decide(
    @Param('clientId') id: string,
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const at = await this.gate.enterForm(req, res, form);
    if (!at) return;
    const decision = oneOf(form.decision, ['approve', 'suspend'] as const);
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    if (!decision || !reason) {
      const app = await this.admin.getClient(id);
      const hint = at.view.messages.console.decide.reasonHint;
      const error = `<p class="error" role="alert">${escapeHtml(hint)}</p>`;
      return this.sendApp(res, at, app, error, 400);
    }
    await (decision === 'approve'
      ? this.admin.approveClient(id, at.by, reason)
      : this.admin.suspendClient(id, at.by, reason));
    const done = decision === 'approve' ? 'approved' : 'suspended';
    res.redirect(303, `${this.appPath(id)}?done=${done}`);
  }

  @Post(':clientId/secret')
  async rotate(
    @Param('clientId') id: string,
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const at = await this.gate.enterForm(req, res, form);
    if (!at) return;
    // An empty field is no overlap given (the default), not 0 (the old secret ending at once).
    const given = typeof form.overlap_seconds === 'string' ? form.overlap_seconds.trim() : '';
    const overlap = given === '' ? undefined : Number(given);
    const issued = await this.admin.rotateClientSecret(id, {
      by: at.by,
      overlapSeconds: Number.isInteger(overlap) ? overlap : undefined,
    });
    const content = secretContent(at.view, {
      base: this.gate.base,
      app: issued,
      secret: issued.client_secret ?? '',
    });
    this.gate.send(res, at, 'apps', issued.client_name ?? issued.client_id, content);
  }

  @Get(':clientId/delete')
  async confirmDelete(@Param('clientId') id: string, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const app = await this.admin.getClient(id);
    const heading = at.view.messages.console.remove.confirmHeading(app.client_name ?? id);
    const content = deleteConfirmContent(at.view, { base: this.gate.base, app, csrf: at.csrf });
    this.gate.send(res, at, 'apps', heading, content);
  }

  @Post(':clientId/delete')
  async remove(
    @Param('clientId') id: string,
    @Body() form: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const at = await this.gate.enterForm(req, res, form);
    if (!at) return;
    const app = await this.admin.getClient(id);
    await this.admin.deleteClient(id, at.by);
    const m = at.view.messages.console;
    const back = `<p><a href="${escapeHtml(`${this.gate.base}/apps`)}">${escapeHtml(m.app.back)}</a></p>`;
    const content = `${notice(m.remove.done(app.client_name ?? id))}${back}`;
    this.gate.send(res, at, 'apps', m.remove.heading, content);
  }

  private appPath(id: string): string {
    return `${this.gate.base}/apps/${encodeURIComponent(id)}`;
  }

  private async sendApp(
    res: Response,
    at: ConsoleRequest,
    app: ClientViewDto,
    top: string,
    status = 200,
  ): Promise<void> {
    const history = await this.admin.listAudit({
      targetType: 'client',
      targetId: app.client_id,
      limit: 50,
    });
    const parsed = parseScopes(app.scope ?? '', { extraScopes: this.options.extraScopes });
    const scopes = parsed.valid.map((s) => ({
      scope: s.raw,
      description: describeScope(s, at.view.locale),
    }));
    const content = appContent(at.view, {
      base: this.gate.base,
      app,
      csrf: at.csrf,
      scopes,
      history: history.items,
      overlapSeconds: this.options.secretRotationOverlapSeconds,
    });
    this.gate.send(res, at, 'apps', app.client_name ?? app.client_id, `${top}${content}`, status);
  }
}
