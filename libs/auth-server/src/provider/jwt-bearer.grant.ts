import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { decideBackendScope } from '../policy/backend-scope.policy.js';
import type { TrustedIssuerService } from '../trusted-issuers/trusted-issuer.service.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import { subjectAllowed } from '../trusted-issuers/subject.policy.js';
import { assertSmartClientAssertion } from './client-assertion.rules.js';
import { ASSERTION_CLOCK_SKEW_SECONDS } from '../vocabulary/clock-skew.constants.js';
import { JWT_BEARER_GRANT } from '../vocabulary/grant-type.types.js';
import { CLIENT_ASSERTION_ALGS } from '../vocabulary/signing-alg.types.js';
import type { GuardedFetch } from './guarded-fetch.factory.js';
import type { EnginePolicy } from './oidc-configuration.builder.js';

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

export interface JwtBearerDependencies {
  issuers: TrustedIssuerService;
  policy: EnginePolicy;
  resource: string;
  extraScopes: readonly string[];
  fetch: GuardedFetch;
  signingAlg: string;
}

const invalidGrant = (why: string) => new errors.InvalidGrant(why);

function keysFor(
  issuer: TrustedIssuer,
  deps: JwtBearerDependencies,
  cache: Map<string, RemoteKeys>,
) {
  if (issuer.jwks) return createLocalJWKSet(issuer.jwks);
  const uri = issuer.jwksUri!;
  let keys = cache.get(uri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(uri), {
      timeoutDuration: 2500,
      cooldownDuration: 30000,
      cacheMaxAge: 600000,
      [customFetch]: deps.fetch,
    });
    cache.set(uri, keys);
  }
  return keys;
}

async function verifyAssertion(
  ctx: KoaContextWithOIDC,
  assertion: string,
  deps: JwtBearerDependencies,
  cache: Map<string, RemoteKeys>,
): Promise<{ payload: JWTPayload; issuer: TrustedIssuer }> {
  let iss: unknown;
  let header: Record<string, unknown>;
  try {
    iss = decodeJwt(assertion).iss;
    header = decodeProtectedHeader(assertion);
  } catch {
    throw invalidGrant('assertion is not a JWT');
  }
  const issuer = typeof iss === 'string' ? await deps.issuers.find(iss) : undefined;
  if (!issuer) throw invalidGrant('assertion issuer is not trusted');
  const tokenUrl = ctx.oidc.urlFor('token');
  try {
    const { payload } = await jwtVerify(assertion, keysFor(issuer, deps, cache), {
      issuer: issuer.issuer,
      audience: [tokenUrl, ctx.oidc.issuer],
      algorithms: [...CLIENT_ASSERTION_ALGS],
      requiredClaims: ['sub', 'exp', 'jti'],
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    });
    // Same rules as client assertions, but `sub` is the user, so checked against the issuer's allow-list.
    assertSmartClientAssertion(ctx, { ...payload, sub: issuer.issuer }, header, {
      clientId: issuer.issuer,
      jwksUri: issuer.jwksUri,
      jwks: issuer.jwks,
    });
    return { payload, issuer };
  } catch (err) {
    const detail = (err as { error_detail?: string }).error_detail ?? (err as Error).message;
    throw invalidGrant(`assertion rejected: ${detail}`);
  }
}

/**
 * The RFC 7523 section 2.1 grant: a confidential client presents an assertion from a trusted
 * issuer about a user, and gets a JWT access token for that user.
 * @see https://datatracker.ietf.org/doc/html/rfc7523#section-2.1
 */
export function registerJwtBearerGrant(provider: Provider, deps: JwtBearerDependencies): void {
  const cache = new Map<string, RemoteKeys>();
  const handler = async (ctx: KoaContextWithOIDC) => {
    const { params, client } = ctx.oidc;
    const assertion = params?.assertion;
    if (typeof assertion !== 'string' || !assertion) {
      throw new errors.InvalidRequest('missing required parameter: assertion');
    }
    const { payload, issuer } = await verifyAssertion(ctx, assertion, deps, cache);
    if (!subjectAllowed(issuer.allowedSubjects, payload.sub!)) {
      throw invalidGrant('the issuer may not assert this subject');
    }
    const unique = await provider.ReplayDetection.unique(
      issuer.issuer,
      payload.jti!,
      payload.exp! + 5,
    );
    if (!unique) throw invalidGrant('assertion tokens must only be used once');
    const requested = typeof params?.scope === 'string' ? params.scope : undefined;
    const byIssuer = decideBackendScope(requested, issuer.allowedScope, deps.extraScopes, [
      'user',
      'system',
    ]);
    if (!byIssuer.ok)
      throw new errors.InvalidScope(`${byIssuer.description} (issuer)`, byIssuer.scope);
    const scope = await deps.policy.resourceScope(ctx, client!.clientId);
    const grant = new provider.Grant({ accountId: payload.sub!, clientId: client!.clientId });
    grant.addResourceScope(deps.resource, scope);
    const grantId = await grant.save();
    const info = {
      scope,
      audience: deps.resource,
      accessTokenTTL: deps.policy.accessTokenTtl('private_key_jwt', JWT_BEARER_GRANT),
      accessTokenFormat: 'jwt' as const,
      jwt: { sign: { alg: deps.signingAlg } },
    };
    const token = new provider.AccessToken({
      accountId: payload.sub!,
      client: client!,
      grantId,
      gty: 'jwt_bearer',
      scope,
    });
    token.resourceServer = new provider.ResourceServer(deps.resource, info as never);
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope };
  };
  provider.registerGrantType(JWT_BEARER_GRANT, handler, ['assertion', 'scope', 'resource']);
}
