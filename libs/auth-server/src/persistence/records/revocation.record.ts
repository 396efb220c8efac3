// The revocation list's entries, as the revocation services and the repository exchange them.

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
