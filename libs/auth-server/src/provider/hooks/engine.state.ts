import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * What our engine hooks leave for each other in the request state (`ctx.state`): every key is
 * defined here, with the one function that writes it and the one that reads it.
 */
const KEYS = {
  formParams: 'smartFormParams',
  clientAssertion: 'smartClientAssertion',
  grantRevoked: 'smartGrantRevoked',
  consumedTwice: 'smartConsumedTwice',
  proofReplayed: 'smartProofReplayed',
  replay: 'smartReplay',
} as const;

type WithState = Pick<KoaContextWithOIDC, 'state'>;

/** A client assertion (RFC 7523) decoded without verification, or undefined when malformed. */
export interface DecodedAssertion {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

/** Decodes a client assertion (header and claims; the engine verifies it). */
export function decodeAssertion(
  assertion: string | null | undefined,
): DecodedAssertion | undefined {
  if (!assertion) return undefined;
  try {
    return { header: decodeProtectedHeader(assertion), claims: decodeJwt(assertion) };
  } catch {
    return undefined;
  }
}

/** The form parameters the preflight read (token, PAR and authorization POSTs). */
export function setFormParams(ctx: WithState, params: URLSearchParams): void {
  ctx.state[KEYS.formParams] = params;
  ctx.state[KEYS.clientAssertion] = decodeAssertion(params.get('client_assertion'));
}

export function formParamsOf(ctx: WithState): URLSearchParams | undefined {
  return ctx.state[KEYS.formParams] as URLSearchParams | undefined;
}

/** The request's client assertion, decoded once by the preflight. */
export function clientAssertionOf(ctx: WithState): DecodedAssertion | undefined {
  return ctx.state[KEYS.clientAssertion] as DecodedAssertion | undefined;
}

/** The engine revoked this grant during the request (its `grant.revoked` event). */
export function setGrantRevoked(ctx: WithState, grantId: string): void {
  ctx.state[KEYS.grantRevoked] = grantId;
}

export function grantRevokedOf(ctx: WithState): string | undefined {
  return ctx.state[KEYS.grantRevoked] as string | undefined;
}

/** A code or refresh token lost the race to be consumed (another request consumed it first). */
export function setConsumedTwice(ctx: WithState): void {
  ctx.state[KEYS.consumedTwice] = true;
}

export function wasConsumedTwice(ctx: WithState): boolean {
  return ctx.state[KEYS.consumedTwice] === true;
}

/** A one-time proof's `jti` (client assertion, attestation, DPoP, jwt-bearer) was seen before. */
export function setProofReplayed(ctx: WithState, jti: string): void {
  const seen = (ctx.state[KEYS.proofReplayed] as Set<string> | undefined) ?? new Set<string>();
  ctx.state[KEYS.proofReplayed] = seen.add(jti);
}

/** Whether a proof was replayed in this request (`jti` given: that proof). */
export function wasProofReplayed(ctx: WithState, jti?: string): boolean {
  const seen = ctx.state[KEYS.proofReplayed] as Set<string> | undefined;
  return jti === undefined ? Boolean(seen?.size) : Boolean(seen?.has(jti));
}

/** A replayed code or refresh token, and whether its grant was found and revoked. */
export interface ReplayOutcome {
  grantRevoked: boolean;
}

export function setReplay(ctx: WithState, outcome: ReplayOutcome): void {
  ctx.state[KEYS.replay] = outcome;
}

export function replayOf(ctx: WithState): ReplayOutcome | undefined {
  return ctx.state[KEYS.replay] as ReplayOutcome | undefined;
}
