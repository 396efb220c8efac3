import type { JWK } from 'jose';

/** An issuer whose assertions the RFC 7523 jwt-bearer grant accepts. */
export interface TrustedIssuer {
  issuer: string;
  jwks?: { keys: JWK[] };
  jwksUri?: string;
  /** Subject patterns this issuer may assert (`*` = any; a trailing `*` matches a prefix). */
  allowedSubjects: string[];
  /** Space-separated scopes (SMART patterns allowed) this issuer may assert. */
  allowedScope: string;
  createdAt: number;
}
