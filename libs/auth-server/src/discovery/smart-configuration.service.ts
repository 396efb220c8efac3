import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  precomputeDocument,
  sendDocument,
  type PrecomputedDocument,
} from '../common/precomputed-document.responder.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { recordAnswered } from '../tracing/auth.tracer.js';
import { DISCOVERY_CACHE_CONTROL } from './discovery-metadata.builder.js';
import { buildSmartConfiguration } from './smart-configuration.builder.js';

type ExpressRequest = IncomingMessage & { path?: string };
type Next = (err?: unknown) => void;

/**
 * `/.well-known/smart-configuration` from bytes computed once at boot (the configuration is fixed
 * then), with a strong ETag: JSON whatever the `Accept` header, CORS open to any origin, cacheable
 * for 5 minutes, 304 when `If-None-Match` matches. The document is the same for every request (no
 * `Vary` needed): URLs come from the public URL, and requests for other hosts are refused before.
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html#using-well-known
 */
@Injectable()
export class SmartConfigurationService {
  /** The document's bytes, ETag and headers. */
  readonly document: PrecomputedDocument;
  /** The document's path (`<wellKnown>/smart-configuration`). */
  readonly path: string;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) options: ResolvedSmartAuthServerOptions,
    private readonly metrics: SmartAuthMetrics,
  ) {
    this.document = precomputeDocument(JSON.stringify(buildSmartConfiguration(options)), {
      contentType: 'application/json; charset=utf-8',
      cacheControl: DISCOVERY_CACHE_CONTROL,
      cors: 'any',
    });
    this.path = `${options.routes.wellKnown}/smart-configuration`;
  }

  /** Answers a GET or HEAD with the document (200, or 304 on a matching `If-None-Match`). */
  respond(req: IncomingMessage, res: ServerResponse): void {
    sendDocument(this.document, req, res);
  }

  /**
   * Express middleware (`mountSmartAuthServer` installs it after the request guard and the host
   * check) answering GET and HEAD of exactly the document's path before Nest's router; timed as
   * `discovery` and traced like the controller. Other spellings Express routes there too (trailing slash,
   * other letter case) reach `DiscoveryController`, which answers the same.
   */
  middleware(): (req: ExpressRequest, res: ServerResponse, next: Next) => void {
    return (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const path = req.path ?? new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== this.path) return next();
      const started = this.metrics.startTimer();
      this.respond(req, res);
      this.metrics.requestDone('discovery', res.statusCode, started);
      recordAnswered('discovery', req.headers, res.statusCode);
    };
  }
}
