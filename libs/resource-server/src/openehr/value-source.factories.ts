import type { IncomingHttpHeaders } from 'node:http';
import { compositionTemplateIdOf } from './request-values.reader.js';
import type { CompositionTemplateResolver } from '../smart-resource-server.ports.js';
import type { OpenEhrRequestQuery } from './openehr-operation.types.js';

/** The parts of the HTTP request a {@link ValueSource} reads (Express's request has them). */
export interface ValueSourceRequest {
  params?: unknown;
  query?: unknown;
  headers: IncomingHttpHeaders;
  body?: unknown;
}

/** What a {@link ValueSource} can look at. */
export interface ValueSourceContext {
  request: ValueSourceRequest;
  /** The host's `CompositionTemplateResolver`, when it provides one. */
  templateResolver?: CompositionTemplateResolver;
}

/**
 * Where `@RequireOpenEhr()` finds an id: returns the id, or `undefined` when the request does not
 * carry one (then a scope pattern matching every id is needed).
 */
export type ValueSource = (
  context: ValueSourceContext,
) => string | undefined | Promise<string | undefined>;

function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A route parameter (as decoded by the framework), e.g. `fromParam('ehr_id')`. */
export const fromParam =
  (name: string): ValueSource =>
  ({ request }) =>
    single((request.params as Record<string, unknown> | undefined)?.[name]);

/** A query parameter given exactly once, e.g. `fromQuery('templateId')`. */
export const fromQuery =
  (name: string): ValueSource =>
  ({ request }) =>
    single((request.query as Record<string, unknown> | undefined)?.[name]);

/** A request header, e.g. `fromHeader('openEHR-TEMPLATE_ID')`. */
export const fromHeader =
  (name: string): ValueSource =>
  ({ request }) =>
    single(request.headers[name.toLowerCase()]);

/** A string inside the parsed JSON body, e.g. `fromBody('archetype_details', 'template_id', 'value')`. */
export const fromBody =
  (...path: string[]): ValueSource =>
  ({ request }) =>
    single(
      path.reduce<unknown>(
        (node, key) =>
          node !== null && typeof node === 'object'
            ? (node as Record<string, unknown>)[key]
            : undefined,
        request.body,
      ),
    );

/**
 * The template of a composition in the request, where every source (canonical JSON body,
 * `templateId`/`template_id` query parameters, `openEHR-TEMPLATE_ID` header) must agree. The safe
 * choice for composition create and update.
 */
export const fromCompositionTemplate =
  (): ValueSource =>
  ({ request }) =>
    compositionTemplateIdOf(
      request.body,
      (request.query ?? {}) as OpenEhrRequestQuery,
      request.headers,
    );

/** The template of a stored composition, through the host's `CompositionTemplateResolver`. */
export const fromStoredComposition =
  (ehrId: ValueSource, uid: ValueSource): ValueSource =>
  async (context) => {
    const [ehr, id] = [await ehrId(context), await uid(context)];
    if (context.templateResolver === undefined || ehr === undefined || id === undefined)
      return undefined;
    return context.templateResolver.templateIdOf(ehr, id);
  };
