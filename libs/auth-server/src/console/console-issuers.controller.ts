import { Body, Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SmartAuthAdmin } from '../admin/auth-admin.port.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { EMPTY_ISSUER_FORM, issuersContent, type IssuerForm } from './console-issuers.pages.js';
import { formText } from '../pages/page.form.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate, type ConsoleRequest } from './console.gate.js';
import { notice } from './console.pages.js';
import { escapeHtml } from '../pages/page.layout.js';

/**
 * The console's trusted issuers of the JWT-bearer grant: list, add (or replace), remove, through
 * `SmartAuthAdmin` (validated and audited as `POST`/`DELETE /admin/trusted-issuers`).
 */
@UseFilters(ConsoleErrorFilter)
@Controller(`${ROUTE_SEGMENTS.console}/issuers`)
export class ConsoleIssuersController {
  constructor(
    private readonly gate: ConsoleGate,
    private readonly admin: SmartAuthAdmin,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const m = at.view.messages.console.issuers;
    const saved = formText(req.query.saved);
    const removed = formText(req.query.removed);
    const top = notice(saved ? m.saved(saved) : removed ? m.removed(removed) : undefined);
    await this.sendList(res, at, EMPTY_ISSUER_FORM, top);
  }

  @Post()
  async add(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enterForm(req, res, body);
    if (!at) return;
    const form: IssuerForm = {
      issuer: formText(body.issuer),
      jwksUri: formText(body.jwks_uri, { max: 2000 }),
      jwks: formText(body.jwks, { max: 20_000 }),
      subjects: formText(body.allowed_subjects, { max: 50_000 }),
      scope: formText(body.allowed_scope, { max: 4096 }),
    };
    let jwks: { keys: Record<string, unknown>[] } | undefined;
    try {
      jwks = form.jwks ? (JSON.parse(form.jwks) as { keys: Record<string, unknown>[] }) : undefined;
    } catch {
      const error = `<p class="error" role="alert">${escapeHtml(at.view.messages.console.issuers.badJwks)}</p>`;
      return this.sendList(res, at, form, error, 400);
    }
    const saved = await this.admin.saveTrustedIssuer(
      {
        issuer: form.issuer,
        jwksUri: form.jwksUri || undefined,
        jwks,
        allowedSubjects: form.subjects
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter(Boolean),
        allowedScope: form.scope,
      },
      at.by,
    );
    res.redirect(303, `${this.gate.base}/issuers?saved=${encodeURIComponent(saved.issuer)}`);
  }

  @Post('remove')
  async remove(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enterForm(req, res, body);
    if (!at) return;
    const issuer = formText(body.issuer);
    await this.admin.removeTrustedIssuer(issuer, at.by);
    res.redirect(303, `${this.gate.base}/issuers?removed=${encodeURIComponent(issuer)}`);
  }

  private async sendList(
    res: Response,
    at: ConsoleRequest,
    form: IssuerForm,
    top: string,
    status = 200,
  ): Promise<void> {
    const content = issuersContent(at.view, {
      base: this.gate.base,
      csrf: at.csrf,
      issuers: await this.admin.listTrustedIssuers(),
      form,
    });
    const heading = at.view.messages.console.issuers.heading;
    this.gate.send(res, at, 'issuers', heading, `${top}${content}`, status);
  }
}
