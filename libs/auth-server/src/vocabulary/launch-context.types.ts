/**
 * Launch context returned beside the access token (SMART 2.2 + SMART on openEHR).
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#launch-context-arrives-with-your-access_token
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html (Context Selection)
 */
export interface SmartLaunchContext {
  ehrId?: string;
  patient?: string;
  episodeId?: string;
  encounter?: string;
  fhirContext?: Record<string, unknown>[];
  intent?: string;
  need_patient_banner?: boolean;
  smart_style_url?: string;
  tenant?: string;
}

/**
 * The members of the launch context a token response carries (`SmartLaunchContext`), in the order
 * responses list them. Written as the keys of a `Record` so the compiler refuses a list that
 * misses or invents a member.
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#launch-context-arrives-with-your-access_token
 */
const LAUNCH_CONTEXT_KEYS = Object.freeze(
  Object.keys({
    patient: 0,
    ehrId: 0,
    episodeId: 0,
    encounter: 0,
    fhirContext: 0,
    intent: 0,
    need_patient_banner: 0,
    smart_style_url: 0,
    tenant: 0,
  } satisfies Record<keyof SmartLaunchContext, 0>),
) as readonly LaunchContextKey[];

export type LaunchContextKey = keyof SmartLaunchContext;

/**
 * The keys naming whose record is in context (EHR, patient, episode). A `launch-base64-json`
 * value the app can read must say exactly what the server stored for these (decisions.md item 7).
 */
export const RECORD_CONTEXT_KEYS = [
  'ehrId',
  'patient',
  'episodeId',
] as const satisfies readonly LaunchContextKey[];

/**
 * Claims introspection echoes from an access token: every launch-context member of the token
 * response (SMART: "every launch context parameter returned in the token response") and the
 * user's `fhirUser`.
 * @see https://hl7.org/fhir/smart-app-launch/token-introspection.html#conditional-fields
 */
export const INTROSPECTED_CONTEXT_CLAIMS = Object.freeze([
  ...LAUNCH_CONTEXT_KEYS,
  'fhirUser',
] as const);

/** Only the launch-context keys of `source`, without undefined values. */
export function pickLaunchContext(source: Record<string, unknown>): SmartLaunchContext {
  const out: Record<string, unknown> = {};
  for (const key of LAUNCH_CONTEXT_KEYS) {
    if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  }
  return out;
}
