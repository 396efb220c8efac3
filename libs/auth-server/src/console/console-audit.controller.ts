import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SmartAuthAdmin } from '../admin/auth-admin.port.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { auditContent, type AuditFilters } from './console-audit.pages.js';
import { formText } from '../pages/page.form.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate } from './console.gate.js';

const PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The console's audit trail, newest first, 50 a page, filtered in the database by who (actor),
 * what (action), which app (target id) and when (`from`/`to` dates, UTC, both days included).
 */
@UseFilters(ConsoleErrorFilter)
@Controller(`${ROUTE_SEGMENTS.console}/audit`)
export class ConsoleAuditController {
  constructor(
    private readonly gate: ConsoleGate,
    private readonly admin: SmartAuthAdmin,
  ) {}

  @Get()
  async list(@Query() raw: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const asked = typeof raw.page === 'string' ? Number.parseInt(raw.page, 10) : 1;
    const filters: AuditFilters = {
      actor: formText(raw.actor),
      action: formText(raw.action),
      app: formText(raw.app),
      from: formText(raw.from),
      to: formText(raw.to),
      page: Math.max(1, Math.min(10_000, asked || 1)),
    };
    // A date alone: from its first to its last millisecond (UTC). Anything else is the server's
    // to refuse (400 with the reason).
    const to = DATE.test(filters.to) ? `${filters.to}T23:59:59.999Z` : filters.to;
    const result = await this.admin.listAudit({
      limit: PAGE_SIZE,
      offset: (filters.page - 1) * PAGE_SIZE,
      actor: filters.actor || undefined,
      action: filters.action || undefined,
      targetId: filters.app || undefined,
      from: filters.from || undefined,
      to: to || undefined,
    });
    const content = auditContent(at.view, {
      base: this.gate.base,
      filters,
      result,
      pageSize: PAGE_SIZE,
    });
    this.gate.send(res, at, 'audit', at.view.messages.console.audit.heading, content);
  }
}
