import { parseScopes } from '@smart-openehr/scopes';
import type { SmartClientType } from '../options/auth-server.options.js';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { GRANTS_BY_CLIENT_TYPE, LAUNCH_MODES } from './client-type.policy.js';
import { CLIENT_AUTH_METHODS } from '../vocabulary/client-auth-method.types.js';
import { FORBIDDEN_GRANT_TYPES, GRANT_TYPES } from '../vocabulary/grant-type.types.js';
import {
  CLIENT_ASSERTION_ALGS,
  TOKEN_SIGNING_ALGS,
  type SmartSigningAlg,
} from '../vocabulary/signing-alg.types.js';
import { clientTypeOf, type SmartClientMetadata } from './client.types.js';
import { validateClientJwks } from './jwks.validator.js';
import { classifyRedirectUri, validateRedirectUris } from './redirect-uri.validator.js';

/** What the rules depend on besides the metadata. */
export interface ClientMetadataRules {
  /** Non-SMART scope tokens a client may register (`admin`, `launch:create`, `introspect`). */
  extraScopes: readonly string[];
}

/** Metadata after validation and normalisation, and the client type it implies. */
export interface ValidatedClientMetadata {
  clientType: SmartClientType;
  metadata: SmartClientMetadata;
}

type Input = Record<string, unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 200;

function optionalString(input: Input, field: string, max = MAX_TEXT): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ClientMetadataError(field, `must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function stringList(input: Input, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new ClientMetadataError(field, 'must be an array of non-empty strings');
  }
  return [...new Set(value as string[])];
}

/** An informational URL (logo, policy, terms): `https`, or `http` on a loopback host. */
function optionalWebUrl(input: Input, field: string): string | undefined {
  const value = optionalString(input, field, 2000);
  if (value !== undefined && classifyRedirectUri(value, field) === 'private-use') {
    throw new ClientMetadataError(field, `${value} must be an https URL`);
  }
  return value;
}

function readAuthMethod(input: Input): { method: string; type: SmartClientType } {
  // RFC 7591 section 2: the default is client_secret_basic.
  const method = input.token_endpoint_auth_method ?? 'client_secret_basic';
  const type = typeof method === 'string' ? clientTypeOf(method) : undefined;
  if (typeof method !== 'string' || !type) {
    throw new ClientMetadataError(
      'token_endpoint_auth_method',
      `must be one of ${CLIENT_AUTH_METHODS.join(', ')}`,
    );
  }
  return { method, type };
}

function readGrantTypes(input: Input, type: SmartClientType): string[] {
  const grants = stringList(input, 'grant_types') ?? ['authorization_code'];
  for (const grant of grants) {
    if ((FORBIDDEN_GRANT_TYPES as readonly string[]).includes(grant)) {
      throw new ClientMetadataError('grant_types', `${grant} is not supported by this server`);
    }
    if (!(GRANT_TYPES as readonly string[]).includes(grant)) {
      throw new ClientMetadataError('grant_types', `${grant} is not a supported grant type`);
    }
    if (!(GRANTS_BY_CLIENT_TYPE[type] as readonly string[]).includes(grant)) {
      throw new ClientMetadataError('grant_types', `${grant} is not allowed for ${type} clients`);
    }
  }
  if (grants.length === 0) throw new ClientMetadataError('grant_types', 'must not be empty');
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) {
    throw new ClientMetadataError('grant_types', 'refresh_token requires authorization_code');
  }
  return grants;
}

function readResponseTypes(input: Input, code: boolean): string[] {
  const given = stringList(input, 'response_types');
  const types = given ?? (code ? ['code'] : []);
  if (types.some((t) => t !== 'code')) {
    throw new ClientMetadataError('response_types', 'only "code" is supported');
  }
  if (code && types.length === 0) {
    throw new ClientMetadataError('response_types', 'must be ["code"] with authorization_code');
  }
  if (!code && types.length > 0) {
    throw new ClientMetadataError('response_types', '"code" requires the authorization_code grant');
  }
  return types;
}

function readRedirects(
  input: Input,
  code: boolean,
): Pick<SmartClientMetadata, 'redirect_uris' | 'application_type'> {
  const uris = stringList(input, 'redirect_uris') ?? [];
  const requested = input.application_type;
  if (
    requested !== undefined &&
    requested !== null &&
    requested !== 'web' &&
    requested !== 'native'
  ) {
    throw new ClientMetadataError('application_type', 'must be web or native');
  }
  if (code && uris.length === 0) {
    throw new ClientMetadataError('redirect_uris', 'are required for the authorization_code grant');
  }
  const applicationType = validateRedirectUris(uris, requested ?? undefined);
  return {
    redirect_uris: uris,
    ...(applicationType === 'native' || requested ? { application_type: applicationType } : {}),
  };
}

async function readKeys(
  input: Input,
  method: string,
): Promise<Pick<SmartClientMetadata, 'jwks' | 'jwks_uri' | 'token_endpoint_auth_signing_alg'>> {
  const hasJwks = input.jwks !== undefined && input.jwks !== null;
  const jwksUri = optionalString(input, 'jwks_uri', 2000);
  const alg = optionalString(input, 'token_endpoint_auth_signing_alg', 16);
  if (method !== 'private_key_jwt') {
    const extra = hasJwks
      ? 'jwks'
      : jwksUri
        ? 'jwks_uri'
        : alg
          ? 'token_endpoint_auth_signing_alg'
          : '';
    if (extra) throw new ClientMetadataError(extra, 'is only for private_key_jwt clients');
    return {};
  }
  if (hasJwks && jwksUri) {
    throw new ClientMetadataError('jwks_uri', 'must not be given together with jwks (give one)');
  }
  if (!hasJwks && !jwksUri) {
    throw new ClientMetadataError('jwks', 'or jwks_uri is required for private_key_jwt clients');
  }
  if (alg && !(CLIENT_ASSERTION_ALGS as readonly string[]).includes(alg)) {
    throw new ClientMetadataError(
      'token_endpoint_auth_signing_alg',
      `must be one of ${CLIENT_ASSERTION_ALGS.join(', ')}`,
    );
  }
  if (jwksUri && classifyRedirectUri(jwksUri, 'jwks_uri') === 'private-use') {
    throw new ClientMetadataError('jwks_uri', `${jwksUri} must be an https URL`);
  }
  return {
    ...(hasJwks ? { jwks: await validateClientJwks(input.jwks) } : { jwks_uri: jwksUri }),
    ...(alg ? { token_endpoint_auth_signing_alg: alg } : {}),
  };
}

/**
 * The algorithm of the client's ID tokens (OpenID Connect Dynamic Client Registration): one this
 * server signs with; without it RS256, the OpenID Connect default.
 * @see https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata
 */
function readIdTokenAlg(input: Input): Pick<SmartClientMetadata, 'id_token_signed_response_alg'> {
  const alg = optionalString(input, 'id_token_signed_response_alg', 16);
  if (alg === undefined) return {};
  if (!(TOKEN_SIGNING_ALGS as readonly string[]).includes(alg)) {
    throw new ClientMetadataError(
      'id_token_signed_response_alg',
      `must be one of ${TOKEN_SIGNING_ALGS.join(', ')}`,
    );
  }
  return { id_token_signed_response_alg: alg as SmartSigningAlg };
}

function readScope(
  input: Input,
  type: SmartClientType,
  rules: ClientMetadataRules,
): string | undefined {
  const scope = optionalString(input, 'scope', 8000);
  if (scope === undefined) return undefined;
  const { valid, invalid } = parseScopes(scope, { extraScopes: rules.extraScopes });
  if (invalid.length > 0) {
    const [first] = invalid;
    throw new ClientMetadataError('scope', `"${first.raw}" is not a valid scope (${first.reason})`);
  }
  if (type === 'public') {
    const system = valid.find((s) => 'compartment' in s && s.compartment === 'system');
    if (system) {
      throw new ClientMetadataError(
        'scope',
        `"${system.raw}" needs a confidential client (system/ scopes)`,
      );
    }
  }
  return valid.map((s) => s.raw).join(' ') || undefined;
}

function readLaunchModes(input: Input, code: boolean): string[] | undefined {
  const modes = stringList(input, 'launch_modes');
  const invalid = modes?.find((m) => !(LAUNCH_MODES as readonly string[]).includes(m));
  if (invalid) {
    throw new ClientMetadataError(
      'launch_modes',
      `must be among ${LAUNCH_MODES.join(', ')} (got ${invalid})`,
    );
  }
  if (!code) {
    if (modes?.length)
      throw new ClientMetadataError('launch_modes', 'require the authorization_code grant');
    return undefined;
  }
  return modes ?? [...LAUNCH_MODES];
}

function readDescriptive(input: Input): Partial<SmartClientMetadata> {
  const contacts = stringList(input, 'contacts');
  const badContact = contacts?.find((c) => !EMAIL.test(c) || c.length > 320);
  if (badContact)
    throw new ClientMetadataError('contacts', `${badContact} is not an e-mail address`);
  const descriptive: Partial<SmartClientMetadata> = {
    client_name: optionalString(input, 'client_name'),
    logo_uri: optionalWebUrl(input, 'logo_uri'),
    client_uri: optionalWebUrl(input, 'client_uri'),
    policy_uri: optionalWebUrl(input, 'policy_uri'),
    tos_uri: optionalWebUrl(input, 'tos_uri'),
    contacts,
    software_id: optionalString(input, 'software_id'),
    software_version: optionalString(input, 'software_version'),
  };
  return Object.fromEntries(Object.entries(descriptive).filter(([, v]) => v !== undefined));
}

/**
 * The one validation path for client metadata (admin API, registration endpoint, CLI,
 * bootstrap): RFC 7591 metadata plus SMART extras, checked against the client-type policy.
 * Unknown members are dropped. Throws `ClientMetadataError` naming the first bad field.
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-2
 * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#register-app-with-ehr
 */
export async function validateClientMetadata(
  input: Input,
  rules: ClientMetadataRules,
): Promise<ValidatedClientMetadata> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ClientMetadataError('metadata', 'must be a JSON object');
  }
  const { method, type } = readAuthMethod(input);
  const grants = readGrantTypes(input, type);
  const code = grants.includes('authorization_code');
  const metadata: SmartClientMetadata = {
    ...readDescriptive(input),
    ...readRedirects(input, code),
    grant_types: grants,
    response_types: readResponseTypes(input, code),
    token_endpoint_auth_method: method,
    ...(await readKeys(input, method)),
    ...readIdTokenAlg(input),
  };
  const scope = readScope(input, type, rules);
  if (scope !== undefined) metadata.scope = scope;
  const launchModes = readLaunchModes(input, code);
  if (launchModes !== undefined) metadata.launch_modes = launchModes;
  return { clientType: type, metadata };
}
