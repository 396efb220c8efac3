import { Body, Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SmartAuthAdmin } from '../admin/auth-admin.port.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { keysContent, rotateConfirmContent } from './console-keys.pages.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate } from './console.gate.js';
import { notice } from './console.pages.js';

/**
 * The console's signing keys: each with its state and age, and key rotation after a confirmation
 * step, through `SmartAuthAdmin.rotateSigningKeys` (audited as `keys.rotate`).
 */
@UseFilters(ConsoleErrorFilter)
@Controller(`${ROUTE_SEGMENTS.console}/keys`)
export class ConsoleKeysController {
  constructor(
    private readonly gate: ConsoleGate,
    private readonly admin: SmartAuthAdmin,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const keys = await this.admin.listSigningKeys();
    const m = at.view.messages.console.keys;
    const rotated = Number(req.query.rotated);
    const top = notice(Number.isInteger(rotated) && rotated > 0 ? m.rotated(rotated) : undefined);
    const content = keysContent(at.view, { base: this.gate.base, keys, now: Date.now() });
    this.gate.send(res, at, 'keys', m.heading, `${top}${content}`);
  }

  @Get('rotate')
  async confirm(@Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const content = rotateConfirmContent(at.view, { base: this.gate.base, csrf: at.csrf });
    this.gate.send(res, at, 'keys', at.view.messages.console.keys.confirmHeading, content);
  }

  @Post('rotate')
  async rotate(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enterForm(req, res, body);
    if (!at) return;
    const published = await this.admin.rotateSigningKeys(at.by);
    res.redirect(303, `${this.gate.base}/keys?rotated=${published.length}`);
  }
}
