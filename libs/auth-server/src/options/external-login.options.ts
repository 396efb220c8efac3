/**
 * Which claims of the identity server's ID token (and userinfo) become the local account.
 * A claim name may be a dotted path into nested objects (`attributes.ehr_id`), as Keycloak's
 * mappers nest a "Token Claim Name" at its dots. Every field is defaulted in
 * `EXTERNAL_LOGIN_DEFAULTS.claims`.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export interface SmartExternalClaimsOptions {
  /**
   * The user's FHIR resource (`Practitioner/123`), a string.
   * @default 'fhirUser'
   */
  fhirUser?: string;
  /**
   * A patient user's own EHR id, a string (decisions.md item 6: without it no `patient/` scope).
   * @default 'ehrId'
   */
  ehrId?: string;
  /**
   * A patient user's FHIR patient id, a string.
   * @default 'patient'
   */
  patient?: string;
  /**
   * Display name: the first of these claims that is a non-empty string.
   * @default ['name', 'preferred_username']
   */
  name?: readonly string[];
  /** Roles, which feed the `UserScopePolicy` (the default policy knows `patient`, `practitioner`, `clinician`). */
  roles?: SmartExternalRolesOptions;
}

/** Where roles come from; the account's roles are the union of every source. */
export interface SmartExternalRolesOptions {
  /**
   * A claim holding a list of role names (a flat `roles` mapper).
   * @default 'roles'
   */
  claim?: string;
  /**
   * Keycloak realm roles: `realm_access.roles`.
   * @default true
   * @see https://www.keycloak.org/docs/latest/server_admin/#_role_mappers
   */
  realm?: boolean;
  /**
   * Keycloak client roles of these clients: `resource_access.<client>.roles`.
   * @default []
   */
  clients?: readonly string[];
}

/**
 * The identity server's own access tokens on the admin API (JWTs it signs, as Keycloak's are),
 * beside this server's admin client tokens: valid ones (its JWKS, its issuer, this `audience`)
 * of users holding `role` (read with the `claims.roles` mapping) act as an admin client.
 */
export interface SmartExternalAdminOptions {
  /** The `aud` the identity server puts in those tokens (Keycloak: an audience mapper). */
  audience: string;
  /**
   * The role that makes a user an administrator of the admin API (every admin scope), read from
   * the identity server's access token presented as a bearer token. It does not open the admin
   * console: console sign-in (built-in or at the identity server) checks `console.adminRole`
   * against the signed-in account; set both to the same role for one administrator group.
   */
  role: string;
}

/** An upstream OpenID Connect provider (Keycloak or any certified OP) for end-user login. */
export interface SmartExternalLoginOptions {
  /** The provider's issuer; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** @default 'openid profile' */
  scope?: string;
  /** Claim mapping. @default EXTERNAL_LOGIN_DEFAULTS.claims */
  claims?: SmartExternalClaimsOptions;
  /**
   * Also read the userinfo endpoint after the code exchange; its claims fill in what the ID token
   * does not carry (the ID token wins where both have a claim; `sub` must match).
   * @default false
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
   */
  userinfo?: boolean;
  /**
   * Also offer the built-in password login (the host's `CredentialsVerifier`) on the login page,
   * beside a button to the identity server. Off: the login step goes straight to the identity
   * server and password logins are refused.
   * @default false
   */
  passwordLogin?: boolean;
  /** Accept the identity server's access tokens on the admin API. @default undefined (off) */
  admin?: SmartExternalAdminOptions;
}

/** Defaults of `externalLogin` (applied when it is set). */
export const EXTERNAL_LOGIN_DEFAULTS = {
  scope: 'openid profile',
  userinfo: false,
  passwordLogin: false,
  claims: {
    fhirUser: 'fhirUser',
    ehrId: 'ehrId',
    patient: 'patient',
    name: ['name', 'preferred_username'],
    roles: { claim: 'roles', realm: true, clients: [] },
  },
} as const satisfies Omit<SmartExternalLoginOptions, 'issuer' | 'clientId' | 'clientSecret'>;

/** The claim mapping after defaults and validation. */
export interface ResolvedExternalClaims {
  fhirUser: string;
  ehrId: string;
  patient: string;
  name: readonly string[];
  roles: { claim: string; realm: boolean; clients: readonly string[] };
}

/** `externalLogin` after defaults and validation. */
export interface ResolvedExternalLoginOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  claims: ResolvedExternalClaims;
  userinfo: boolean;
  passwordLogin: boolean;
  admin: SmartExternalAdminOptions | undefined;
}
