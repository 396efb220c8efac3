import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Compartment } from '@smart-openehr/scopes';
import type { Request } from 'express';
import type { OpenEhrApiMetadata, RequireOpenEhrMetadata } from '../openehr/openehr-route.types.js';
import { fromParam, type ValueSourceContext } from '../openehr/value-source.factories.js';
import { smartContextOf } from '../token/smart-context.store.js';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { assertOpenEhrAccess } from '../openehr/openehr-access.policy.js';
import type { ResolvedOpenEhrOperation } from '../openehr/openehr-operation.types.js';
import { isJsonContentType } from '../openehr/request-values.reader.js';
import { resolveOpenEhrOperation } from '../openehr/openehr-operation.resolver.js';
import { CompositionTemplateResolver } from '../smart-resource-server.ports.js';
import {
  OPENEHR_API_METADATA,
  REQUIRE_OPENEHR_METADATA,
  SMART_RESOURCE_SERVER_OPTIONS,
} from '../smart-resource-server.constants.js';
import type { ResolvedSmartResourceServerOptions } from '../smart-resource-server.options.js';

const ALL_COMPARTMENTS: readonly Compartment[] = ['patient', 'user', 'system'];

/** The body as JSON when the host parsed it, or kept it raw (Buffer/string) with a JSON type. */
function jsonBody(request: Request): unknown {
  const body: unknown = request.body;
  if (
    (Buffer.isBuffer(body) || typeof body === 'string') &&
    isJsonContentType(request.headers['content-type'])
  ) {
    try {
      return JSON.parse(body.toString()) as unknown;
    } catch {
      return undefined;
    }
  }
  return Buffer.isBuffer(body) || typeof body === 'string' ? undefined : body;
}

/**
 * Enforces the openEHR access declared by `@OpenEhrApi()` (by URL) or `@RequireOpenEhr()` (by
 * declaration) against the token attached by `SmartJwtAuthGuard`. A route with neither, or a
 * request the table does not know, is refused (fail closed). Errors are `BearerTokenError`s.
 */
@Injectable()
export class SmartScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
    @Optional()
    @Inject(CompositionTemplateResolver)
    private readonly templateResolver?: CompositionTemplateResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = smartContextOf(request);
    if (token === undefined) throw BearerTokenError.missingToken();
    const operation = await this.operationOf(context, request);
    if (operation === undefined) {
      throw BearerTokenError.insufficientScope(
        undefined,
        'this request is not an openEHR operation SMART apps may perform',
      );
    }
    await assertOpenEhrAccess(token, operation, {
      patientQueries: this.options.patientQueries,
      templateResolver: this.templateResolver,
    });
    return true;
  }

  private async operationOf(
    context: ExecutionContext,
    request: Request,
  ): Promise<ResolvedOpenEhrOperation | undefined> {
    const targets = [context.getHandler(), context.getClass()];
    const declared = this.reflector.getAllAndOverride<RequireOpenEhrMetadata | undefined>(
      REQUIRE_OPENEHR_METADATA,
      targets,
    );
    if (declared !== undefined) return this.fromDeclaration(declared, request);
    const api = this.reflector.getAllAndOverride<OpenEhrApiMetadata | undefined>(
      OPENEHR_API_METADATA,
      targets,
    );
    if (api === undefined) return undefined;
    const path = request.path;
    const prefix = path.slice(0, api.basePath.length);
    if (prefix.toLowerCase() !== api.basePath.toLowerCase()) return undefined;
    return resolveOpenEhrOperation(
      request.method,
      path.slice(api.basePath.length),
      request.query ?? {},
      request.headers,
      jsonBody(request),
    );
  }

  private async fromDeclaration(
    declared: RequireOpenEhrMetadata,
    request: Request,
  ): Promise<ResolvedOpenEhrOperation> {
    const sourceContext: ValueSourceContext = { request, templateResolver: this.templateResolver };
    const id = (await declared.id?.(sourceContext)) ?? '*';
    const ehrId = declared.ehrId
      ? await declared.ehrId(sourceContext)
      : ((await fromParam('ehr_id')(sourceContext)) ?? (await fromParam('ehrId')(sourceContext)));
    const queries = declared.resource === 'aql' && declared.permission === 's';
    const compartments = declared.compartments ?? ALL_COMPARTMENTS;
    return {
      operation: 'custom',
      ehrId,
      ehrBound: declared.ehrBound ?? (declared.resource === 'composition' || queries),
      needs: compartments.map((compartment) => ({
        compartment,
        resource: declared.resource,
        id,
        permission: declared.permission,
      })),
      readsBody: false,
    };
  }
}
