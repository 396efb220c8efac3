import type { RequiredAccess } from '@smart-openehr/scopes';

/** The openEHR REST operations the resource server knows (anything else is refused). */
export type OpenEhrOperationName =
  | 'ehr.create'
  | 'ehr.read'
  | 'ehr_status.read'
  | 'ehr_status.update'
  | 'composition.create'
  | 'composition.read'
  | 'composition.update'
  | 'composition.delete'
  | 'versioned_composition.read'
  | 'query.aql'
  | 'query.execute'
  | 'query_definition.read'
  | 'query_definition.write'
  | 'template.list'
  | 'template.read'
  | 'template.upload'
  | 'template.delete'
  /** Declared by `@RequireOpenEhr()` rather than found in the table. */
  | 'custom';

/**
 * One way to satisfy an operation: {@link RequiredAccess} (`id: '*'` = the granted pattern must
 * match every id), or with `anyId` a scope for any id of the resource is enough.
 */
export interface OpenEhrAccessNeed extends RequiredAccess {
  anyId?: true;
}

/** What an openEHR REST request is and which scopes allow it. */
export interface ResolvedOpenEhrOperation {
  operation: OpenEhrOperationName;
  /** The EHR the request addresses: the path's `ehr_id`, or a query's `ehr_id` parameter. */
  ehrId?: string;
  /**
   * The operation reads or writes the data of one EHR, so `patient/` scopes allow it only when
   * {@link ehrId} is the token's `ehrId`. Template and query-definition operations are not.
   */
  ehrBound: boolean;
  /** Alternatives: the request is allowed when the token's scopes satisfy any one of them. */
  needs: readonly OpenEhrAccessNeed[];
  /** Composition uid of a read/update/delete/history request, for a `CompositionTemplateResolver`. */
  compositionUid?: string;
  /** The decision depends on the body (composition create/update, query POST). */
  readsBody: boolean;
}

/** Request headers as node:http gives them (lower-case names). */
export type OpenEhrRequestHeaders = Readonly<
  Record<string, string | readonly string[] | undefined>
>;

/** Query parameters: raw (`URLSearchParams`) or parsed by a framework (`req.query`). */
export type OpenEhrRequestQuery = URLSearchParams | Readonly<Record<string, unknown>>;
