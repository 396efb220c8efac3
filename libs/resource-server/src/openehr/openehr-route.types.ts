import type { Compartment, OpenEhrResource, Permission } from '@smart-openehr/scopes';
import type { ValueSource } from './value-source.factories.js';

// What the route decorators store and the scope guard reads (kept apart from both so the guard
// never imports the decorators that apply it).

/** Options of `OpenEhrApi`. */
export interface OpenEhrApiOptions {
  /**
   * The URL path prefix in front of the openEHR REST paths, as the request arrives (including any
   * global prefix), e.g. `/openehr/rest/v1`.
   */
  basePath: string;
}

/** The metadata `OpenEhrApi` stores. */
export interface OpenEhrApiMetadata {
  basePath: string;
}

/** Options of `RequireOpenEhr`. */
export interface RequireOpenEhrOptions {
  /**
   * Where the template id / query name is. When it yields nothing, a scope whose pattern matches
   * every id is needed.
   * @default none: every id
   */
  id?: ValueSource;
  /**
   * Where the EHR id is (for `patient/` scopes).
   * @default fromParam('ehr_id'), then fromParam('ehrId')
   */
  ehrId?: ValueSource;
  /**
   * Whether the route reads or writes one EHR's data (then `patient/` scopes need the token's EHR).
   * @default true for `composition` and for `s` on `aql`, false otherwise
   */
  ehrBound?: boolean;
  /**
   * Compartments whose scopes may allow the route.
   * @default ['patient', 'user', 'system']
   */
  compartments?: readonly Compartment[];
}

/** The metadata `RequireOpenEhr` stores. */
export interface RequireOpenEhrMetadata extends RequireOpenEhrOptions {
  resource: OpenEhrResource;
  permission: Permission;
}
