import { formatScope, permits, type OpenEhrScope, type ValidScope } from '@smart-openehr/scopes';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import type { CompositionTemplateResolver } from '../smart-resource-server.ports.js';
import type { PatientQueryPolicy } from '../smart-resource-server.options.js';
import type { SmartTokenContext } from '../token/smart-token-context.types.js';
import type { OpenEhrAccessNeed, ResolvedOpenEhrOperation } from './openehr-operation.types.js';

/** The parts of a token the decision depends on. */
export type OpenEhrAccessToken = Pick<SmartTokenContext, 'scopes' | 'ehrId'>;

/** Settings of {@link isOpenEhrAccessPermitted} and {@link assertOpenEhrAccess}. */
export interface OpenEhrAccessOptions {
  /** See `SmartResourceServerOptions.patientQueries`. */
  patientQueries: PatientQueryPolicy;
  /** Narrows reads/deletes by composition uid to the stored template (see the port). */
  templateResolver?: CompositionTemplateResolver;
}

/** Running AQL: every alternative is `s` on `aql-…` (EHR reads merely accept `aql s` too). */
function runsQuery(operation: ResolvedOpenEhrOperation): boolean {
  return (
    operation.needs.length > 0 &&
    operation.needs.every((n) => n.resource === 'aql' && n.permission === 's')
  );
}

/**
 * Whether `patient/` scopes may count for this request: the token has an `ehrId`; an EHR-bound
 * operation addresses exactly that EHR; queries only under the `ehr-id-parameter` policy.
 */
function patientScopesCount(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  policy: PatientQueryPolicy,
): boolean {
  if (token.ehrId === undefined) return false;
  if (runsQuery(operation) && policy === 'refuse') return false;
  return !operation.ehrBound || operation.ehrId === token.ehrId;
}

function eligibleScopes(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  policy: PatientQueryPolicy,
): ValidScope[] {
  const patientOk = patientScopesCount(token, operation, policy);
  return token.scopes.filter(
    (s) => s.kind === 'openehr' && (s.compartment !== 'patient' || patientOk),
  );
}

function satisfies(granted: readonly ValidScope[], need: OpenEhrAccessNeed): boolean {
  if (need.anyId !== true) return permits(granted, need);
  return granted.some(
    (s) =>
      s.kind === 'openehr' &&
      s.compartment === need.compartment &&
      s.resource === need.resource &&
      s.permissions.includes(need.permission),
  );
}

/**
 * True when the token's scopes allow the operation: some eligible scope satisfies one of its
 * needs. `patient/` scopes are eligible only for the token's own EHR (see
 * `SmartResourceServerOptions.patientQueries` for queries); `user/` and `system/` scopes are not
 * bound to an EHR. FHIR, launch and identity scopes never allow openEHR operations.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function isOpenEhrAccessPermitted(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  policy: PatientQueryPolicy,
): boolean {
  const granted = eligibleScopes(token, operation, policy);
  return operation.needs.some((need) => satisfies(granted, need));
}

/** The operation with its composition template `*` replaced by `templateId`. */
export function withCompositionTemplate(
  operation: ResolvedOpenEhrOperation,
  templateId: string,
): ResolvedOpenEhrOperation {
  const needs = operation.needs.map((n) =>
    n.resource === 'composition' && n.anyId !== true ? { ...n, id: templateId } : n,
  );
  return { ...operation, needs };
}

/**
 * The `scope` hint of a 403: the scopes (any one of them) that would allow the request, leaving
 * out `patient/` ones when patient scopes cannot count for this request.
 */
export function scopeHint(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  policy: PatientQueryPolicy,
): string {
  const patientOk = patientScopesCount(token, operation, policy);
  const scopes = operation.needs
    .filter((n) => n.compartment !== 'patient' || patientOk)
    .map((n) => {
      const scope: OpenEhrScope = {
        kind: 'openehr',
        raw: '',
        compartment: n.compartment,
        resource: n.resource,
        id: n.id,
        permissions: [n.permission],
        version: 'v2',
      };
      return formatScope(scope);
    });
  return [...new Set(scopes)].join(' ');
}

function denied(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  policy: PatientQueryPolicy,
): BearerTokenError {
  const patientBlocked =
    !patientScopesCount(token, operation, policy) &&
    token.scopes.some((s) => s.kind === 'openehr' && s.compartment === 'patient');
  const description = patientBlocked
    ? "the access token does not grant this request (patient/ scopes only reach the token's EHR)"
    : undefined;
  return BearerTokenError.insufficientScope(scopeHint(token, operation, policy), description);
}

const NARROWABLE = new Set([
  'composition.read',
  'composition.delete',
  'versioned_composition.read',
]);

/**
 * Throws `insufficient_scope` unless the token allows the operation. With a
 * `CompositionTemplateResolver`, reads and deletes by uid are narrowed to the stored template
 * (looked up only when a template-specific scope could decide it), and an update must also be
 * allowed for the stored template.
 *
 * @throws BearerTokenError `insufficient_scope` (403) with the `scope` hint.
 */
export async function assertOpenEhrAccess(
  token: OpenEhrAccessToken,
  operation: ResolvedOpenEhrOperation,
  options: OpenEhrAccessOptions,
): Promise<void> {
  const { patientQueries: policy, templateResolver } = options;
  const { ehrId, compositionUid } = operation;
  const lookup =
    templateResolver !== undefined && ehrId !== undefined && compositionUid !== undefined
      ? () => templateResolver.templateIdOf(ehrId, compositionUid)
      : undefined;
  if (!isOpenEhrAccessPermitted(token, operation, policy)) {
    const anyTemplate = {
      ...operation,
      needs: operation.needs.map((n) => ({ ...n, anyId: true as const })),
    };
    if (
      !NARROWABLE.has(operation.operation) ||
      lookup === undefined ||
      !isOpenEhrAccessPermitted(token, anyTemplate, policy)
    ) {
      throw denied(token, operation, policy);
    }
    const templateId = await lookup();
    const narrowed =
      templateId === undefined ? operation : withCompositionTemplate(operation, templateId);
    if (!isOpenEhrAccessPermitted(token, narrowed, policy)) throw denied(token, narrowed, policy);
    return;
  }
  if (operation.operation !== 'composition.update' || lookup === undefined) return;
  if (isOpenEhrAccessPermitted(token, withCompositionTemplate(operation, '*'), policy)) return;
  const stored = await lookup();
  if (stored === undefined) return; // nothing stored under that uid: the CDR answers 404
  const existing = withCompositionTemplate(operation, stored);
  if (!isOpenEhrAccessPermitted(token, existing, policy)) throw denied(token, existing, policy);
}
