import type { OpenEhrRequestHeaders, OpenEhrRequestQuery } from './openehr-operation.types.js';

/** Marks a parameter whose shape we cannot trust (a nested object, a non-string). */
const MALFORMED = Symbol('malformed');

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
  );
}

function queryValues(query: OpenEhrRequestQuery, name: string): string[] | typeof MALFORMED {
  if (query instanceof URLSearchParams) return query.getAll(name);
  const value = query[name];
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return MALFORMED;
}

function headerValues(headers: OpenEhrRequestHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

function path(value: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);
}

/** The one value all sources agree on; `undefined` when none, several or a malformed one. */
function consensus(values: readonly (string | typeof MALFORMED)[]): string | undefined {
  if (values.includes(MALFORMED)) return undefined;
  const distinct = new Set(values as string[]);
  return distinct.size === 1 ? [...distinct][0] : undefined;
}

/**
 * The template id of a composition being created or updated, or `undefined` when it cannot be
 * known for sure. Sources: canonical JSON `archetype_details.template_id.value`, the
 * `templateId` / `template_id` query parameters (flat and structured formats) and the
 * `openEHR-TEMPLATE_ID` header. They must all agree; a body that is not a parsed JSON object (XML,
 * unreadable) gives `undefined`, because the CDR would read the template from it.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/ehr.html#tag/COMPOSITION
 */
export function compositionTemplateIdOf(
  body: unknown,
  query: OpenEhrRequestQuery,
  headers: OpenEhrRequestHeaders,
): string | undefined {
  if (!isRecord(body)) return undefined;
  const values: (string | typeof MALFORMED)[] = [];
  if (body['archetype_details'] !== undefined) {
    const id = path(body, ['archetype_details', 'template_id', 'value']);
    values.push(typeof id === 'string' ? id : MALFORMED);
  }
  for (const name of ['templateId', 'template_id']) {
    const found = queryValues(query, name);
    if (found === MALFORMED) return undefined;
    values.push(...found);
  }
  values.push(...headerValues(headers, 'openehr-template_id'));
  const id = consensus(values);
  return id === '' ? undefined : id;
}

/**
 * The EHR a query request names: the `ehr_id` query parameter, or `ehr_id` /
 * `query_parameters.ehr_id` in a JSON body. All present values must agree.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/query.html
 */
export function queryEhrIdOf(body: unknown, query: OpenEhrRequestQuery): string | undefined {
  const found = queryValues(query, 'ehr_id');
  if (found === MALFORMED) return undefined;
  const values: (string | typeof MALFORMED)[] = [...found];
  for (const keys of [['ehr_id'], ['query_parameters', 'ehr_id']]) {
    const value = path(body, keys);
    if (value !== undefined) values.push(typeof value === 'string' ? value : MALFORMED);
  }
  return consensus(values);
}

/** True for `application/json` and `…+json` content types. */
export function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
