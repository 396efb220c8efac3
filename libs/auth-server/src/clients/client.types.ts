import type { SmartClientType } from '../options/auth-server.options.js';
import type { SmartSigningAlg } from '../vocabulary/signing-alg.types.js';
import {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
} from '../vocabulary/client-auth-method.types.js';

/** A client's review status. */
export type ClientStatus = 'pending' | 'approved' | 'suspended';

/** Every status, in the order the console lists them (the record makes the list exhaustive). */
export const CLIENT_STATUSES = Object.freeze(
  Object.keys({ pending: 0, approved: 0, suspended: 0 } satisfies Record<ClientStatus, 0>),
) as readonly ClientStatus[];

/** RFC 7591 client metadata as the registry keeps it (never a secret). */
export interface SmartClientMetadata {
  client_name?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method: string;
  token_endpoint_auth_signing_alg?: string;
  /** The algorithm of the client's ID tokens (RS256 when absent). */
  id_token_signed_response_alg?: SmartSigningAlg;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  /** The scopes the client may ever get; SMART patterns allowed. */
  scope?: string;
  logo_uri?: string;
  client_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  /** `native` when a private-use scheme redirect URI is registered (RFC 8252); else `web`. */
  application_type?: 'web' | 'native';
  /** SMART extras. */
  launch_modes?: string[];
  [key: string]: unknown;
}

/** A client as the registry returns it. */
export interface SmartClient {
  clientId: string;
  clientType: SmartClientType;
  status: ClientStatus;
  trusted: boolean;
  metadata: SmartClientMetadata;
  /** Whether a secret is stored (its hash; the secret itself never is). */
  hasSecret: boolean;
  /** Until when (epoch ms) the previous secret still works after a rotation; null when none. */
  previousSecretExpiresAt: number | null;
  createdBy: string;
  updatedBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The client type each authentication method means (contract.md: the type follows from it). */
const CLIENT_TYPE_BY_AUTH_METHOD: Record<ClientAuthMethod, SmartClientType> = {
  client_secret_basic: 'confidential-symmetric',
  client_secret_post: 'confidential-symmetric',
  private_key_jwt: 'confidential-asymmetric',
  none: 'public',
};

/** Client type from the authentication method; undefined for a method this server does not know. */
export function clientTypeOf(authMethod: string): SmartClientType | undefined {
  return (CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)
    ? CLIENT_TYPE_BY_AUTH_METHOD[authMethod as ClientAuthMethod]
    : undefined;
}

/** A client plus, right after creation or rotation, its secret (shown once, never stored). */
export interface IssuedClient {
  client: SmartClient;
  clientSecret?: string;
}
