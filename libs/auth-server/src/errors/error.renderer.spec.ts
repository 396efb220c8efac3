import { PassThrough } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  ValidationPipe,
} from '@nestjs/common';
import type { PageBranding } from '../pages/page.branding.js';
import { pageView } from '../pages/page.layout.js';
import { ClientMetadataError } from './client-metadata.error.js';
import { pageError } from './page.error.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import {
  ADMIN_HTTP_CODES,
  jsonAnswer,
  OAUTH_HTTP_CODES,
  pageAnswer,
  renderJson,
  toOAuthError,
  writeToContext,
} from './error.renderer.js';
import { SERVER_ERROR_DESCRIPTION } from './oauth-error.codes.js';
import { OAuthError } from './oauth.error.js';

const wire = (err: OAuthError) => ({
  status: err.status,
  error: err.error,
  description: err.description,
  headers: err.headers,
});

describe(toOAuthError.name, () => {
  it.each<[string, unknown, ReturnType<typeof wire>]>([
    [
      'an OAuthError as it is',
      OAuthError.invalidToken('expired'),
      {
        status: 401,
        error: 'invalid_token',
        description: 'expired',
        headers: { 'WWW-Authenticate': 'Bearer' },
      },
    ],
    [
      'DatabaseUnavailableError',
      new DatabaseUnavailableError(new Error('connect ECONNREFUSED 10.0.0.1:5432')),
      {
        status: 503,
        error: 'temporarily_unavailable',
        description: 'the authorization server is temporarily unavailable',
        headers: { 'Retry-After': '5' },
      },
    ],
    [
      'ClientMetadataError',
      new ClientMetadataError('redirect_uris', 'must be https'),
      {
        status: 400,
        error: 'invalid_client_metadata',
        description: 'redirect_uris: must be https',
        headers: {},
      },
    ],
    [
      'an HttpException: invalid_request with its message',
      new NotFoundException('no such thing'),
      { status: 404, error: 'invalid_request', description: 'no such thing', headers: {} },
    ],
    [
      'a validation error list, joined',
      new BadRequestException(['a must be a string', 'b is required']),
      {
        status: 400,
        error: 'invalid_request',
        description: 'a must be a string; b is required',
        headers: {},
      },
    ],
  ])('OAuth endpoints: %s', (_name, input, expected) => {
    expect(wire(toOAuthError(input))).toEqual(expected);
  });

  it.each<[number, string, HttpException]>([
    [400, 'invalid_request', new BadRequestException('bad')],
    [401, 'invalid_token', new UnauthorizedException('who')],
    [403, 'access_denied', new ForbiddenException('no')],
    [404, 'not_found', new NotFoundException('gone')],
    [405, 'method_not_allowed', new HttpException('verb', 405)],
    [409, 'conflict', new ConflictException('taken')],
    [413, 'request_too_large', new PayloadTooLargeException('big')],
    [415, 'unsupported_media_type', new HttpException('type', 415)],
    [429, 'too_many_requests', new HttpException('slow down', 429)],
    [418, 'invalid_request', new HttpException('teapot', 418)],
  ])('admin API: an HttpException of status %i is %s', (status, error, input) => {
    const err = toOAuthError(input, { codes: ADMIN_HTTP_CODES });
    expect(wire(err)).toEqual({ status, error, description: input.message, headers: {} });
  });

  it('admin API: a body naming error and error_description is taken as it is', () => {
    const named = new ConflictException({ error: 'invalid_client', error_description: 'in use' });
    expect(wire(toOAuthError(named, { codes: ADMIN_HTTP_CODES }))).toEqual({
      status: 409,
      error: 'invalid_client',
      description: 'in use',
      headers: {},
    });
    const unnamed = new NotFoundException({ error_description: 'no such client' });
    expect(toOAuthError(unnamed, { codes: ADMIN_HTTP_CODES }).error).toBe('not_found');
    // OAuth endpoints do not read codes from bodies.
    expect(toOAuthError(named, { codes: OAUTH_HTTP_CODES }).error).toBe('invalid_request');
  });

  it("admin API: Nest's own ValidationPipe errors are joined", async () => {
    class Dto {
      declare x: string;
    }
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const thrown: unknown = await pipe
      .transform({ y: 1 }, { type: 'body', metatype: Dto })
      .catch((e: unknown) => e);
    const err = toOAuthError(thrown, { codes: ADMIN_HTTP_CODES });
    expect([err.status, err.error]).toEqual([400, 'invalid_request']);
    expect(err.description).toMatch(/property y should not exist/);
  });

  const sqlError = Object.assign(
    new Error('duplicate key value violates unique constraint "oauth_client_pkey"'),
    { query: 'INSERT INTO oauth_client (client_id, secret_hash) VALUES ($1, $2)' },
  );
  it.each<[string, unknown]>([
    ['an Error with a stack and SQL text', sqlError],
    ['a 500 HttpException', new InternalServerErrorException('pool exhausted at db.internal')],
    ['an OAuthError claiming a server error', new OAuthError('server_error', 'stack: x', 500)],
    ['a thrown string', 'SELECT * FROM signing_key'],
    ['undefined', undefined],
  ])('%s becomes a generic server_error, reported for the log only', (_name, input) => {
    const seen: unknown[] = [];
    const err = toOAuthError(input, { onUnexpected: (e) => seen.push(e) });
    expect(wire(err)).toEqual({
      status: 500,
      error: 'server_error',
      description: SERVER_ERROR_DESCRIPTION,
      headers: {},
    });
    expect(seen).toEqual([input]);
    const body = jsonAnswer(err).body;
    expect(body).not.toMatch(/SELECT|INSERT|pool|stack|oauth_client|at /);
  });
});

describe('OAuthError named constructors', () => {
  it.each<[string, OAuthError, ReturnType<typeof wire>]>([
    [
      'rateLimited',
      OAuthError.rateLimited(7),
      {
        status: 429,
        error: 'temporarily_unavailable',
        description: 'too many requests; retry after 7 seconds',
        headers: { 'Retry-After': '7' },
      },
    ],
    [
      'misdirectedRequest',
      OAuthError.misdirectedRequest('not ours'),
      { status: 421, error: 'invalid_request', description: 'not ours', headers: {} },
    ],
    [
      'invalidClient',
      OAuthError.invalidClient('bad secret'),
      {
        status: 401,
        error: 'invalid_client',
        description: 'bad secret',
        headers: { 'WWW-Authenticate': 'Basic realm="smart"' },
      },
    ],
    [
      'bodyTooLarge',
      OAuthError.bodyTooLarge(),
      { status: 413, error: 'invalid_request', description: 'request body too large', headers: {} },
    ],
    [
      'notFound',
      OAuthError.notFound('off'),
      { status: 404, error: 'not_found', description: 'off', headers: {} },
    ],
  ])('%s', (_name, err, expected) => expect(wire(err)).toEqual(expected));
});

describe(jsonAnswer.name, () => {
  it('is never cached and carries the error headers', () => {
    expect(jsonAnswer(OAuthError.rateLimited(3))).toEqual({
      status: 429,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'Retry-After': '3',
      },
      body: '{"error":"temporarily_unavailable","error_description":"too many requests; retry after 3 seconds"}',
    });
  });
});

const BRANDING: PageBranding = {
  platformName: 'Acme Health',
  primaryColor: '#1a5fb4',
  logoUrl: undefined,
  stylesheetUrl: undefined,
  template: undefined,
};
const SETTINGS = { launcherOrigins: [], branding: BRANDING };
const EN = pageView(BRANDING, 'en');

describe(pageAnswer.name, () => {
  it('shows the text of an error marked for pages, escaped, with the page headers', () => {
    const answer = pageAnswer(OAuthError.rateLimited(9), SETTINGS, EN);
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Retry-After': '9',
      'X-Frame-Options': 'DENY',
    });
    expect(answer.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(answer.body).toContain('<h1>Too many requests</h1><p>Please wait 9 seconds');
    expect(answer.body).toContain('<title>Too many requests – Acme Health</title>');
    expect(answer.headers['Content-Language']).toBe('en');
  });

  it("shows a catalogue error in the view's language; the description stays English", () => {
    const err = pageError(403, 'formRefused');
    expect(err.description).toMatch(/^The form has expired/);
    const answer = pageAnswer(err, SETTINGS, pageView(BRANDING, 'de'));
    expect(answer.body).toContain('<html lang="de">');
    expect(answer.body).toContain('<h1>Anfrage abgelehnt</h1>');
    expect(answer.headers['Content-Language']).toBe('de');
    expect(err.page).toEqual({
      title: 'Request refused',
      message: expect.stringMatching(/^The form has expired/),
      showCode: false,
    });
  });

  it('shows the code only when asked, and escapes it', () => {
    const err = new OAuthError('invalid_<x>', 'a & b').shownOnPage(
      'Authorization error',
      'a & b',
      true,
    );
    expect(pageAnswer(err, SETTINGS, EN).body).toContain(
      '<h1>Authorization error</h1><p><strong>invalid_&#60;x&#62;</strong></p><p>a &#38; b</p>',
    );
  });

  it('shows a generic text for an error not marked for pages', () => {
    const body = pageAnswer(
      OAuthError.invalidRequest('token_type_hint: x'),
      { ...SETTINGS, launcherOrigins: ['https://ehr.example'] },
      EN,
    );
    expect(body.body).not.toContain('token_type_hint');
    expect(body.headers['Content-Security-Policy']).toContain(
      'frame-ancestors https://ehr.example',
    );
    expect(body.headers['X-Frame-Options']).toBeUndefined();
  });
});

describe('writers', () => {
  it('renderJson writes a node response', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    const sink = new PassThrough();
    res.assignSocket(sink as unknown as Socket);
    renderJson(res, OAuthError.misdirectedRequest('elsewhere'));
    expect(res.statusCode).toBe(421);
    expect(res.getHeader('cache-control')).toBe('no-store');
    expect(res.getHeader('content-type')).toBe('application/json; charset=utf-8');
    expect(res.writableEnded).toBe(true);
  });

  it('writeToContext writes a Koa-like context', () => {
    const headers: Record<string, string> = {};
    const ctx = {
      status: 200,
      body: undefined as unknown,
      set: (h: Record<string, string>) => Object.assign(headers, h),
    };
    writeToContext(ctx, jsonAnswer(OAuthError.bodyTooLarge()));
    expect(ctx.status).toBe(413);
    expect(headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(String(ctx.body))).toEqual({
      error: 'invalid_request',
      error_description: 'request body too large',
    });
  });
});
