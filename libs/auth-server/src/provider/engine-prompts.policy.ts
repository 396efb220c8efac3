import { interactionPolicy, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import { parseScope } from '@smart-openehr/scopes';

const { Check, base } = interactionPolicy;

/** A grant with less than this share of its lifetime left is not reused (percent). */
const REUSE_UNTIL_PERCENT_PASSED = 50;

/**
 * When the engine sends the browser through our interaction (login, picker, consent).
 *
 * The engine's own checks stay (no session, `max_age`, scopes or claims the app's grant does not
 * hold, native apps), with two SMART changes to the consent prompt:
 *
 * - **`launch_context`** (added): an authorization that asks for launch context (`launch`,
 *   `launch/patient`, `launch/episode`, …) always takes the consent step, which redeems the launch
 *   handle or shows the picker and stores the context with a grant of its own. Without it a second
 *   launch in the same session would get the first launch's grant, and with it the first
 *   launch's patient.
 * - **`consent_prompt`** (removed): `prompt=consent` is answered by the user's earlier decision.
 *   The platform adds it to every `offline_access` request (the engine keeps that scope only
 *   with it), and a request whose scopes the app's grant in this session already holds was
 *   consented to by that grant (the account page's "Revoke access" ends the grant with the
 *   remembered consent). Such an authorization is answered at once, with no interaction: the
 *   same answer the consent step gives a remembered decision, without its storage round trips.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-context-data
 */
export function smartPrompts(): interactionPolicy.Prompt[] {
  const prompts = base();
  const consent = prompts.get('consent')!;
  consent.checks.remove('consent_prompt');
  consent.checks.add(
    new Check(
      'launch_context',
      'the launch context is chosen for each authorization',
      (ctx) =>
        !ctx.oidc.result?.consent &&
        [...ctx.oidc.requestParamScopes].some((scope) => parseScope(scope).kind === 'launch'),
    ),
    0,
  );
  return prompts;
}

/**
 * The grant an authorization request continues: the one the consent step just made, else the
 * app's grant in this session while it has at least half its lifetime left (a request answered
 * without interaction should not hand out refresh tokens that die soon after; an older grant
 * makes the request go through the consent step, which starts a new one).
 */
export async function loadSessionGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { Grant } = ctx.oidc.provider;
  const made = (ctx.oidc.result as { consent?: { grantId?: string } } | undefined)?.consent
    ?.grantId;
  if (made) return Grant.find(made);
  const grantId = ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
  if (!grantId) return undefined;
  const grant = await Grant.find(grantId);
  return grant && grant.ttlPercentagePassed() < REUSE_UNTIL_PERCENT_PASSED ? grant : undefined;
}
