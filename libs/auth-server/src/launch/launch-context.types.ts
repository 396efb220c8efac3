import { LAUNCH_CONTEXT_KEYS } from '../vocabulary/launch-context-key.types.js';

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

/** Only the launch-context keys of `source`, without undefined values. */
export function pickLaunchContext(source: Record<string, unknown>): SmartLaunchContext {
  const out: Record<string, unknown> = {};
  for (const key of LAUNCH_CONTEXT_KEYS) {
    if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  }
  return out;
}
