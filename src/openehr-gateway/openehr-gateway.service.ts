import { Inject, Injectable } from '@nestjs/common';
import {
  assertOpenEhrAccess,
  BearerTokenError,
  CompositionTemplateResolver,
  isJsonContentType,
  resolveOpenEhrOperation,
  InjectSmartResourceServerOptions,
  smartContextOf,
  type ResolvedOpenEhrOperation,
  type ResolvedSmartResourceServerOptions,
} from '@smart-openehr/resource-server';
import type { Request, Response } from 'express';
import { OPENEHR_GATEWAY_OPTIONS } from './openehr-gateway.constants.js';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';
import type { ResolvedOpenEhrGatewayOptions } from './openehr-gateway.options.js';
import { OpenEhrGatewayMetrics } from './openehr-gateway.metrics.js';
import { consumedBody, parseJson, readBody } from './request-body.reader.js';
import { UpstreamCompositionTemplateResolver } from './upstream-composition-template.resolver.js';
import { UpstreamProxyService } from './upstream-proxy.service.js';

/** A request URL split at the gateway base: what is mounted in front, the openEHR path, the query. */
interface GatewayUrl {
  mount: string;
  path: string;
  search: string;
}

function notAnOperation(): BearerTokenError {
  return BearerTokenError.insufficientScope(
    undefined,
    'this request is not an openEHR operation SMART apps may perform',
  );
}

/**
 * One gateway request, in named steps: split the URL, resolve the openEHR operation (unknown →
 * 403), buffer the body when the decision needs it, check the token's scopes (403), forward.
 * Authentication (401) has already happened in `SmartJwtAuthGuard`. Nothing reaches the CDR before
 * the request is allowed, except the template lookup of a composition addressed by uid.
 */
@Injectable()
export class OpenEhrGatewayService {
  private readonly templates: CompositionTemplateResolver | undefined;

  constructor(
    @Inject(OPENEHR_GATEWAY_OPTIONS)
    private readonly options: ResolvedOpenEhrGatewayOptions,
    @InjectSmartResourceServerOptions()
    private readonly resourceServer: ResolvedSmartResourceServerOptions,
    private readonly proxy: UpstreamProxyService,
    private readonly metrics: OpenEhrGatewayMetrics,
  ) {
    const { upstreamUrl, upstreamAuthorization, upstreamTimeoutMs, compositionTemplateLookup } =
      options;
    this.templates =
      upstreamUrl !== undefined && compositionTemplateLookup === 'upstream'
        ? new UpstreamCompositionTemplateResolver(
            upstreamUrl,
            upstreamAuthorization,
            upstreamTimeoutMs,
          )
        : undefined;
  }

  async handle(request: Request, response: Response): Promise<void> {
    const seen: { operation?: string } = {};
    this.metrics.watch(response, () => seen.operation);
    const upstreamUrl = this.options.upstreamUrl;
    const token = smartContextOf(request);
    if (upstreamUrl === undefined) throw OpenEhrGatewayError.notConfigured();
    if (token === undefined) throw BearerTokenError.missingToken();
    const url = this.split(request.originalUrl);
    if (url === undefined) throw notAnOperation();
    const { operation, body } = await this.resolve(request, url);
    seen.operation = operation.operation;
    await assertOpenEhrAccess(token, operation, {
      patientQueries: this.resourceServer.patientQueries,
      templateResolver: this.templates,
    });
    const publicBase =
      this.options.publicBaseUrl ??
      `${request.protocol}://${request.get('host') ?? 'localhost'}${url.mount}`;
    await this.proxy.forward(request, response, {
      url: new URL(`${upstreamUrl}${url.path}${url.search}`),
      body,
      publicBase,
    });
  }

  private split(originalUrl: string): GatewayUrl | undefined {
    const q = originalUrl.indexOf('?');
    const pathname = q < 0 ? originalUrl : originalUrl.slice(0, q);
    const at = pathname.toLowerCase().indexOf(`${this.options.basePath.toLowerCase()}/`);
    if (at < 0) return undefined;
    const end = at + this.options.basePath.length;
    return {
      mount: pathname.slice(0, end),
      path: pathname.slice(end),
      search: q < 0 ? '' : originalUrl.slice(q),
    };
  }

  private async resolve(
    request: Request,
    url: GatewayUrl,
  ): Promise<{ operation: ResolvedOpenEhrOperation; body: Buffer | undefined }> {
    const query = new URLSearchParams(url.search);
    let body = consumedBody(request);
    const first = resolveOpenEhrOperation(request.method, url.path, query, request.headers);
    if (first === undefined) throw notAnOperation();
    if (!first.readsBody || !isJsonContentType(request.headers['content-type']))
      return { operation: first, body };
    body ??= await readBody(request, this.options.maxBufferedBodyBytes);
    if (body.length > this.options.maxBufferedBodyBytes)
      throw OpenEhrGatewayError.payloadTooLarge(this.options.maxBufferedBodyBytes);
    const operation = resolveOpenEhrOperation(
      request.method,
      url.path,
      query,
      request.headers,
      parseJson(body),
    );
    if (operation === undefined) throw notAnOperation();
    return { operation, body };
  }
}
