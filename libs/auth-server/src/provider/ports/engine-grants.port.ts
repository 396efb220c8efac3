/** A new user grant: who, which app, and the scopes granted. */
export interface NewGrant {
  accountId: string;
  clientId: string;
  /** OpenID scopes (`openid`, `fhirUser`, `launch`...), space separated; empty for none. */
  openidScope: string;
  /** Scopes granted for one resource indicator (the platform's issuer URL). */
  resourceScope?: { resource: string; scope: string };
}

/** The engine's grants: created when a user consents, revoked with every token stored for them. */
export abstract class EngineGrants {
  /** Stores a grant; returns its id (what a consent result names). */
  abstract create(grant: NewGrant): Promise<string>;

  /** Deletes the grant's stored tokens and codes and the grant itself. */
  abstract revoke(grantId: string): Promise<void>;
}
