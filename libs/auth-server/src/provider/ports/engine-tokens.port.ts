/** An opaque access token the engine stored. */
export interface StoredAccessToken {
  isValid: boolean;
  accountId?: string;
  scope?: string;
}

/** Form fields and the Authorization header of a request to an endpoint Nest serves. */
export interface ClientAuthRequest {
  authorization?: string;
  params: Record<string, unknown>;
  /** Accepted `aud` values for an assertion: this endpoint's URL, the issuer, the token endpoint. */
  audiences: string[];
  /** Public clients (`none`) may identify themselves by `client_id` alone (revocation, RFC 7009 §2.1). */
  allowPublic?: boolean;
}

/** A client that proved who it is. */
export interface AuthenticatedClient {
  clientId: string;
  clientAuthMethod: string;
}

/** Tokens and client authentication for the endpoints Nest serves beside the engine. */
export abstract class EngineTokens {
  /** An opaque access token by value; undefined when unknown or unreadable. */
  abstract findAccessToken(token: string): Promise<StoredAccessToken | undefined>;

  /**
   * Authenticates the calling client with the engine's methods and rules.
   * @throws OAuthError `invalid_client` (401) when it fails.
   */
  abstract authenticateClient(request: ClientAuthRequest): Promise<AuthenticatedClient>;
}
