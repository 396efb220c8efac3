import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SmartAuthAdmin } from '../admin/auth-admin.port.js';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import {
  launchCreatedContent,
  launchFormContent,
  type LaunchForm,
} from './console-launches.pages.js';
import { formText } from '../pages/page.form.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleGate, type ConsoleRequest } from './console.gate.js';
import { notice } from './console.pages.js';

/** An absolute http(s) URL, or undefined. */
function httpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The console's test EHR launch: creates a launch through `SmartAuthAdmin.createLaunch` (as
 * `POST /admin/launches` does, audited with the console user) and shows the URL that opens the app
 * with `iss` and `launch`.
 */
@UseFilters(ConsoleErrorFilter)
@Controller(`${ROUTE_SEGMENTS.console}/launches`)
export class ConsoleLaunchesController {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly gate: ConsoleGate,
    private readonly admin: SmartAuthAdmin,
  ) {}

  @Get()
  async form(@Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enter(req, res);
    if (!at) return;
    const clientId = formText(req.query.app);
    await this.sendForm(res, at, { clientId, ehrId: '', patient: '', launchUrl: '' });
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const at = await this.gate.enterForm(req, res, body);
    if (!at) return;
    const form: LaunchForm = {
      clientId: formText(body.client_id),
      ehrId: formText(body.ehrId),
      patient: formText(body.patient),
      launchUrl: formText(body.launch_url, { max: 2000 }),
    };
    const m = at.view.messages.console.launches;
    if (!form.ehrId && !form.patient) return this.sendForm(res, at, form, m.needContext);
    const launchUrl = form.launchUrl ? httpUrl(form.launchUrl) : undefined;
    if (form.launchUrl && !launchUrl) return this.sendForm(res, at, form, m.badLaunchUrl);
    const context = { ehrId: form.ehrId || undefined, patient: form.patient || undefined };
    const clientId = form.clientId || undefined;
    const app = clientId ? await this.admin.getClient(clientId) : undefined;
    const created = await this.admin.createLaunch(context, { clientId, by: at.by });
    const content = launchCreatedContent(at.view, {
      base: this.gate.base,
      launch: created.launch,
      expiresIn: created.expires_in,
      iss: this.options.issuer,
      launchUrl,
    });
    const name = app ? (app.client_name ?? app.client_id) : m.anyApp;
    this.gate.send(res, at, 'launches', m.heading, `${notice(m.created(name))}${content}`);
  }

  private async sendForm(
    res: Response,
    at: ConsoleRequest,
    form: LaunchForm,
    error?: string,
  ): Promise<void> {
    const apps = await this.admin.listClients({ status: 'approved', limit: 200 });
    const content = launchFormContent(at.view, {
      base: this.gate.base,
      csrf: at.csrf,
      apps: apps.items,
      form,
      error,
    });
    const heading = at.view.messages.console.launches.heading;
    this.gate.send(res, at, 'launches', heading, content, error ? 400 : 200);
  }
}
