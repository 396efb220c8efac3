import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { pickLaunchContext } from '../vocabulary/launch-context.types.js';
import type { LaunchService } from '../launch/launch.service.js';
import type { GrantContext, SmartContextStore } from '../launch/smart-context.store.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';

const LAUNCH_REASONS = {
  unknown: 'launch is unknown',
  expired: 'launch has expired',
  used: 'launch was already used',
  other_client: 'launch was created for another client',
  tampered: 'launch does not match what the platform stored',
} as const;

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * Validators of the SMART authorization parameters `aud` and `launch` (run by the engine on
 * every authorization request; an error never yields a code).
 * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
 */
export function smartExtraParams(options: ResolvedSmartAuthServerOptions, launches: LaunchService) {
  const audiences = new Set(options.audiences.map(trimSlash));
  return {
    aud: (_ctx: KoaContextWithOIDC, value: string | undefined) => {
      if (value === undefined) {
        if (options.requireAud) throw new errors.InvalidRequest('missing required parameter: aud');
        return;
      }
      if (!audiences.has(trimSlash(value))) {
        throw new errors.InvalidRequest('aud must be this platform or one of its services');
      }
    },
    launch: async (
      _ctx: KoaContextWithOIDC,
      value: string | undefined,
      client: { clientId: string },
    ) => {
      if (value === undefined) return;
      const check = await launches.inspect(value, client.clientId);
      if (!check.ok) throw new errors.InvalidRequest(LAUNCH_REASONS[check.reason]);
    },
  };
}

/** Claims the JWT access token carries beside the RFC 9068 ones: the launch context and fhirUser. */
export async function contextClaims(
  contexts: SmartContextStore,
  grantId: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const context = await contexts.find(grantId);
  if (!context) return undefined;
  const { ehrId, patient, episodeId, encounter, fhirContext, fhirUser } = context;
  const claims = { ehrId, patient, episodeId, encounter, fhirContext, fhirUser };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

interface TokenEntities {
  AccessToken?: { grantId?: string };
  RefreshToken?: { grantId?: string };
  AuthorizationCode?: { grantId?: string };
}

/** Adds the launch context to a successful token response of a user-facing grant. */
export async function addContextToTokenResponse(
  ctx: KoaContextWithOIDC,
  contexts: SmartContextStore,
): Promise<void> {
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.status !== 200 || !body?.access_token) return;
  const entities = ctx.oidc.entities as TokenEntities;
  const grantId =
    entities.AuthorizationCode?.grantId ??
    entities.RefreshToken?.grantId ??
    entities.AccessToken?.grantId;
  const context: GrantContext | undefined = await contexts.find(grantId);
  if (context) Object.assign(body, pickLaunchContext(context as Record<string, unknown>));
}
