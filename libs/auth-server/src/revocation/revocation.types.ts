import { createHash } from 'node:crypto';
import { REVOCATION_MARGIN_SECONDS } from '../vocabulary/clock-skew.constants.js';

/**
 * What a revocation names: one access token (`jti`), or every token of a client or a subject
 * (`sub`) issued up to a moment.
 */
export type RevocationKind = 'jti' | 'client' | 'subject';

/** One entry of the revocation list. */
export interface Revocation {
  kind: RevocationKind;
  /** `jti`: the SHA-256 (base64url) of the token's `jti`; `client`: a `client_id`; `subject`: a `sub`. */
  target: string;
  /** `client`/`subject`: tokens with an `iat` (epoch seconds) up to this are revoked. */
  issuedBefore: number | null;
  /** Epoch milliseconds: when the last token the entry can concern has expired. */
  expiresAt: number;
}

/** A revocation as stored, with its place in the list (the feed cursor). */
export interface StoredRevocation extends Revocation {
  id: number;
}

/** The claims of an access token that revocation looks at. */
export interface RevocableClaims {
  jti?: unknown;
  client_id?: unknown;
  sub?: unknown;
  iat?: unknown;
}

/** How `jti`s are named in the list and the feed (never the plain value). */
export const jtiDigest = (jti: string): string =>
  createHash('sha256').update(jti).digest('base64url');

/** The revocation of one access token (`exp` in epoch seconds). */
export const accessTokenRevocation = (jti: string, exp: number): Revocation => ({
  kind: 'jti',
  target: jtiDigest(jti),
  issuedBefore: null,
  expiresAt: (exp + REVOCATION_MARGIN_SECONDS) * 1000,
});
