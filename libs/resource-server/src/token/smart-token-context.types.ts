import type { ValidScope } from '@smart-openehr/scopes';

/**
 * What a verified access token says, as handed to controllers by `@SmartContext()`.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export interface SmartTokenContext {
  /** `sub`: the end-user, or the client itself for backend services. */
  subject: string;
  /** `client_id` of the app the token was issued to. */
  clientId: string;
  /** Valid scopes parsed from the `scope` claim (unparsable tokens are dropped). */
  scopes: readonly ValidScope[];
  /** The `scope` claim as sent. */
  rawScope: string;
  /** openEHR EHR id in context (`ehrId` claim); `patient/` scopes reach only this EHR. */
  ehrId?: string;
  /** FHIR Patient id in context (`patient` claim). */
  patient?: string;
  /** Episode in context (`episodeId` claim, experimental). */
  episodeId?: string;
  /** `fhirUser` claim: URL of the user's FHIR resource. */
  fhirUser?: string;
  /** When the token expires (`exp`). */
  expiresAt: Date;
  /** Where the claims came from: a verified JWT or an introspection response. */
  source: 'jwt' | 'introspection';
  /** All claims (JWT payload or introspection response). */
  claims: Readonly<Record<string, unknown>>;
}
