/** The engine's keys as other parts of the server use them. */
export abstract class EngineKeys {
  /** The newest shared cookie secret (also keys the CSRF tokens of the pages). */
  abstract cookieSecret(): string;

  /** The published JWKS (public keys), as the engine serves it. */
  abstract publishedJwks(): { keys: Record<string, unknown>[] };

  /** Re-reads the stored keys; rebuilds the engine when they changed. Returns whether it did. */
  abstract refresh(): Promise<boolean>;
}
