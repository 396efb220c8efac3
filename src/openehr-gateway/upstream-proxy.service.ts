import { Inject, Injectable } from '@nestjs/common';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { Request, Response } from 'express';
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { OPENEHR_GATEWAY_OPTIONS } from './openehr-gateway.constants.js';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';
import type { ResolvedOpenEhrGatewayOptions } from './openehr-gateway.options.js';

/** RFC 9110 §7.6.1 hop-by-hop fields (plus the non-standard ones seen in the wild). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request fields never forwarded: credentials of the app, and fields we set or that could be abused. */
const REQUEST_DROP = new Set([
  'host',
  'authorization',
  'cookie',
  'expect',
  'content-length',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-prefix',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/** Response fields never passed back: the CDR's cookies stay with the gateway's origin. */
const RESPONSE_DROP = new Set(['set-cookie']);

function copyHeaders(source: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const named = String(source['connection'] ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name) || named.includes(name))
      continue;
    headers[name] = value;
  }
  return headers;
}

const tracer = trace.getTracer('smart-openehr-auth/openehr-gateway');

/**
 * The client span of one upstream call, under the request's span (the HTTP instrumentation's, or
 * the app's W3C trace context from its headers); its context goes to the CDR as `traceparent`.
 */
function upstreamSpan(request: Request, url: URL, headers: OutgoingHttpHeaders): Span {
  const active = context.active();
  const parent = trace.getSpan(active) ? active : propagation.extract(active, request.headers);
  const span = tracer.startSpan(
    `openehr upstream ${request.method}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': request.method,
        'server.address': url.hostname,
        'url.full': `${url.origin}${url.pathname}`,
      },
    },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  return span;
}

/** What to forward where. */
export interface UpstreamTarget {
  /** Absolute CDR URL (upstream base + path + raw query). */
  url: URL;
  /** Buffered body; `undefined` = stream the request. */
  body: Buffer | undefined;
  /** Public URL of the gateway base, for rewriting `Location` headers. */
  publicBase: string;
}

/**
 * Streams a request to the CDR and the answer back: the app's `Authorization` is replaced by
 * `upstreamAuthorization` (or dropped), cookies and hop-by-hop fields are removed, `Location` /
 * `Content-Location` pointing into the CDR are rewritten to the gateway. Each call is an
 * `openehr upstream <METHOD>` client span whose trace context the CDR receives (`traceparent`).
 */
@Injectable()
export class UpstreamProxyService {
  constructor(
    @Inject(OPENEHR_GATEWAY_OPTIONS)
    private readonly options: ResolvedOpenEhrGatewayOptions,
  ) {}

  forward(request: Request, response: Response, target: UpstreamTarget): Promise<void> {
    const headers = copyHeaders(request.headers, REQUEST_DROP);
    if (this.options.upstreamAuthorization !== undefined)
      headers['authorization'] = this.options.upstreamAuthorization;
    if (target.body !== undefined) headers['content-length'] = String(target.body.length);
    else if (request.headers['content-length'] !== undefined)
      headers['content-length'] = request.headers['content-length'];
    const client = target.url.protocol === 'https:' ? https : http;
    const span = upstreamSpan(request, target.url, headers);
    return new Promise<void>((resolve, reject) => {
      const upstream = client.request(target.url, { method: request.method, headers });
      const timer = setTimeout(
        () => upstream.destroy(OpenEhrGatewayError.gatewayTimeout(target.url.href)),
        this.options.upstreamTimeoutMs,
      );
      response.on('close', () => {
        if (!response.writableFinished) upstream.destroy();
      });
      upstream.on('error', (error) => {
        clearTimeout(timer);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.name });
        span.end();
        if (response.headersSent) {
          response.destroy();
          return;
        }
        reject(
          error instanceof OpenEhrGatewayError
            ? error
            : OpenEhrGatewayError.badGateway(`${target.url.href}: ${error.message}`),
        );
      });
      upstream.on('response', (answer) => {
        clearTimeout(timer);
        span.setAttribute('http.response.status_code', answer.statusCode ?? 0);
        if ((answer.statusCode ?? 500) >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        this.relay(answer, response, target).then(
          () => {
            span.end();
            resolve();
          },
          () => {
            span.end();
            response.destroy();
            resolve();
          },
        );
      });
      if (target.body !== undefined) upstream.end(target.body);
      else pipeline(request, upstream).catch(() => upstream.destroy()); // failures surface as 'error'
    });
  }

  private async relay(
    answer: IncomingMessage,
    response: Response,
    target: UpstreamTarget,
  ): Promise<void> {
    response.statusCode = answer.statusCode ?? 502;
    const headers = copyHeaders(answer.headers, RESPONSE_DROP);
    for (const name of ['location', 'content-location']) {
      const value = headers[name];
      if (typeof value === 'string') headers[name] = this.rewrite(value, target.publicBase);
    }
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) response.setHeader(name, value);
    }
    await pipeline(answer, response);
  }

  private rewrite(location: string, publicBase: string): string {
    const base = this.options.upstreamUrl ?? '';
    if (base === '' || !location.startsWith(base)) return location;
    const rest = location.slice(base.length);
    return rest === '' || rest.startsWith('/') || rest.startsWith('?')
      ? `${publicBase}${rest}`
      : location;
  }
}
