import { createHash } from 'node:crypto';
import type { Revocation } from '../persistence/records/revocation.record.js';
import { REVOCATION_MARGIN_SECONDS } from '../vocabulary/clock-skew.constants.js';

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
