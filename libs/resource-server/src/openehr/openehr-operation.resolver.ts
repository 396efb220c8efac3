import type { Compartment, OpenEhrResource, Permission } from '@smart-openehr/scopes';
import type {
  OpenEhrAccessNeed,
  OpenEhrOperationName,
  OpenEhrRequestHeaders,
  OpenEhrRequestQuery,
  ResolvedOpenEhrOperation,
} from './openehr-operation.types.js';
import { compositionTemplateIdOf, queryEhrIdOf } from './request-values.reader.js';

const ANY_COMPARTMENT: readonly Compartment[] = ['patient', 'user', 'system'];
const NOT_PATIENT: readonly Compartment[] = ['user', 'system'];
const TEMPLATE_FORMATS = new Set(['adl1.4', 'adl2']);

interface Request {
  method: string;
  segments: readonly string[];
  query: OpenEhrRequestQuery;
  headers: OpenEhrRequestHeaders;
  body: unknown;
}

function need(
  resource: OpenEhrResource,
  id: string,
  permissions: readonly Permission[],
  compartments: readonly Compartment[] = ANY_COMPARTMENT,
): OpenEhrAccessNeed[] {
  return permissions.flatMap((permission) =>
    compartments.map((compartment) => ({ compartment, resource, id, permission })),
  );
}

/** "Any openEHR read permission": `r`/`s` on compositions or `s` on AQL, for any id. */
function anyRead(): OpenEhrAccessNeed[] {
  return [...need('composition', '*', ['r', 's']), ...need('aql', '*', ['s'])].map((n) => ({
    ...n,
    anyId: true as const,
  }));
}

function op(
  operation: OpenEhrOperationName,
  needs: OpenEhrAccessNeed[],
  extra: Partial<ResolvedOpenEhrOperation> = {},
): ResolvedOpenEhrOperation {
  return { operation, ehrBound: true, readsBody: false, ...extra, needs: Object.freeze(needs) };
}

/** `/`, `\`, `;` (matrix parameters) or a control character inside a decoded segment. */
function hasForbiddenChar(segment: string): boolean {
  for (let i = 0; i < segment.length; i += 1) {
    const code = segment.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x2f || code === 0x5c || code === 0x3b)
      return true;
  }
  return false;
}

/** Splits and percent-decodes a path; `undefined` for anything a CDR might read differently. */
function splitPath(path: string): string[] | undefined {
  const pathname = path.split('?', 1)[0] ?? '';
  if (!pathname.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || hasForbiddenChar(segment)) {
      return undefined;
    }
    segments.push(segment);
  }
  return segments;
}

function ehrStatus(r: Request, ehrId: string, rest: readonly string[]) {
  const status = rest[0] === 'ehr_status';
  const versioned =
    rest[0] === 'versioned_ehr_status' &&
    (rest.length === 1 ||
      (rest.length === 2 && ['revision_history', 'version'].includes(rest[1] ?? '')) ||
      (rest.length === 3 && rest[1] === 'version'));
  if (r.method === 'GET' && ((status && rest.length <= 2) || versioned)) {
    return op('ehr_status.read', anyRead(), { ehrId });
  }
  if (r.method === 'PUT' && status && rest.length === 1) {
    return op('ehr_status.update', need('composition', '*', ['u'], NOT_PATIENT), { ehrId });
  }
  return undefined;
}

function composition(r: Request, ehrId: string, rest: readonly string[]) {
  if (rest.length === 1 && r.method === 'POST') {
    const templateId = compositionTemplateIdOf(r.body, r.query, r.headers) ?? '*';
    return op('composition.create', need('composition', templateId, ['c']), {
      ehrId,
      readsBody: true,
    });
  }
  const uid = rest[1];
  if (rest.length !== 2 || uid === undefined) return undefined;
  switch (r.method) {
    case 'GET':
      return op('composition.read', need('composition', '*', ['r']), {
        ehrId,
        compositionUid: uid,
      });
    case 'DELETE':
      return op('composition.delete', need('composition', '*', ['d']), {
        ehrId,
        compositionUid: uid,
      });
    case 'PUT': {
      const templateId = compositionTemplateIdOf(r.body, r.query, r.headers) ?? '*';
      const extra = { ehrId, compositionUid: uid, readsBody: true };
      return op('composition.update', need('composition', templateId, ['u']), extra);
    }
    default:
      return undefined;
  }
}

function versionedComposition(r: Request, ehrId: string, rest: readonly string[]) {
  const [, uid, child, versionUid] = rest;
  const shape =
    rest.length === 2 ||
    (rest.length === 3 && (child === 'revision_history' || child === 'version')) ||
    (rest.length === 4 && child === 'version' && versionUid !== undefined);
  if (r.method !== 'GET' || !shape || uid === undefined) return undefined;
  return op('versioned_composition.read', need('composition', '*', ['r']), {
    ehrId,
    compositionUid: uid,
  });
}

function ehr(r: Request): ResolvedOpenEhrOperation | undefined {
  const [, ehrId, resource] = r.segments;
  if (ehrId === undefined) {
    if (r.method === 'POST') return op('ehr.create', need('composition', '*', ['c'], NOT_PATIENT));
    if (r.method === 'GET') return op('ehr.read', anyRead()); // by subject: EHR unknown up front
    return undefined;
  }
  if (resource === undefined) {
    if (r.method === 'GET') return op('ehr.read', anyRead(), { ehrId });
    if (r.method === 'PUT')
      return op('ehr.create', need('composition', '*', ['c'], NOT_PATIENT), { ehrId });
    return undefined;
  }
  const rest = r.segments.slice(2);
  switch (resource) {
    case 'ehr_status':
    case 'versioned_ehr_status':
      return ehrStatus(r, ehrId, rest);
    case 'composition':
      return composition(r, ehrId, rest);
    case 'versioned_composition':
      return versionedComposition(r, ehrId, rest);
    default:
      return undefined; // directory, contribution, …: not (yet) mapped to scopes, refused
  }
}

function storedOrAdHocQuery(r: Request): ResolvedOpenEhrOperation | undefined {
  const [, name, version] = r.segments;
  if (name === undefined || r.segments.length > 3 || (r.method !== 'GET' && r.method !== 'POST')) {
    return undefined;
  }
  const extra = { ehrId: queryEhrIdOf(r.body, r.query), readsBody: r.method === 'POST' };
  if (name === 'aql') {
    return version === undefined ? op('query.aql', need('aql', '*', ['s']), extra) : undefined;
  }
  return op('query.execute', need('aql', name, ['s']), extra);
}

function queryDefinition(r: Request): ResolvedOpenEhrOperation | undefined {
  const [, , name] = r.segments;
  if (r.segments.length > 4) return undefined;
  const notEhr = { ehrBound: false };
  if (r.method === 'GET')
    return op('query_definition.read', need('aql', name ?? '*', ['r']), notEhr);
  if (r.method === 'PUT' && name !== undefined) {
    return op('query_definition.write', need('aql', name, ['c', 'u']), notEhr);
  }
  return undefined;
}

function template(r: Request): ResolvedOpenEhrOperation | undefined {
  const [, , format, id, extra] = r.segments;
  if (format === undefined || !TEMPLATE_FORMATS.has(format)) return undefined;
  const notEhr = { ehrBound: false };
  if (id === undefined) {
    if (r.method === 'GET') return op('template.list', need('template', '*', ['r']), notEhr);
    // the id is inside the OPT / ADL document, which is not parsed here
    if (r.method === 'POST') return op('template.upload', need('template', '*', ['c']), notEhr);
    return undefined;
  }
  const lengthOk =
    r.segments.length === 4 ||
    (r.segments.length === 5 && (format === 'adl2' || extra === 'example'));
  if (!lengthOk) return undefined;
  if (r.method === 'GET') return op('template.read', need('template', id, ['r']), notEhr);
  if (r.method === 'DELETE' && extra !== 'example') {
    return op('template.delete', need('template', id, ['d']), notEhr);
  }
  return undefined;
}

/**
 * Maps an openEHR REST request to the operation it performs and the SMART scopes that allow it
 * (the table in the library README, decisions.md item 5). `undefined` means "not an operation we
 * know": callers refuse it (fail closed).
 *
 * @param method HTTP method (`HEAD` counts as `GET`).
 * @param path the raw (still percent-encoded) path after the openEHR base URL, e.g.
 *   `/ehr/7d44…/composition`; segments are decoded once, and paths with empty, `.`/`..` segments
 *   or encoded `/`, `\`, `;` are refused.
 * @param query query parameters (raw `URLSearchParams` or a parsed `req.query`).
 * @param headers request headers with lower-case names.
 * @param body the parsed JSON body, or `undefined` when it is not JSON or not available (then a
 *   composition create/update needs a pattern matching every template).
 * @see https://specifications.openehr.org/releases/ITS-REST/development/overview.html
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function resolveOpenEhrOperation(
  method: string,
  path: string,
  query: OpenEhrRequestQuery = {},
  headers: OpenEhrRequestHeaders = {},
  body?: unknown,
): ResolvedOpenEhrOperation | undefined {
  const segments = splitPath(path);
  if (segments === undefined) return undefined;
  const upper = method.toUpperCase();
  const r: Request = { method: upper === 'HEAD' ? 'GET' : upper, segments, query, headers, body };
  switch (segments[0]) {
    case 'ehr':
      return ehr(r);
    case 'query':
      return storedOrAdHocQuery(r);
    case 'definition':
      if (segments[1] === 'query') return queryDefinition(r);
      if (segments[1] === 'template') return template(r);
      return undefined;
    default:
      return undefined;
  }
}
