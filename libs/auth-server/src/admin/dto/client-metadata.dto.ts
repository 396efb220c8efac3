import { ApiPropertyOptional } from '../openapi.decorators.js';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { LAUNCH_MODES } from '../../clients/client-type.policy.js';
import { CLIENT_AUTH_METHODS } from '../../vocabulary/client-auth-method.types.js';
import { GRANT_TYPES } from '../../vocabulary/grant-type.types.js';
import { CLIENT_ASSERTION_ALGS, TOKEN_SIGNING_ALGS } from '../../vocabulary/signing-alg.types.js';

/**
 * RFC 7591 client metadata plus SMART extras, in wire casing. Shapes are checked here; the
 * registration rules (client-type policy, redirect URIs, keys, scopes) are checked by the one
 * domain validator every path shares. Validation failures are `invalid_client_metadata`.
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-2
 */
export class ClientMetadataDto {
  static readonly clientMetadataBody = true;

  @ApiPropertyOptional({ example: 'Vitals chart', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_name?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.org/callback'],
    description:
      'Required for authorization_code. https, http on 127.0.0.1/[::1]/localhost, or a private-use scheme (com.example.app:/cb) for native apps; no fragment.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    enum: GRANT_TYPES,
    default: ['authorization_code'],
    description:
      'public: authorization_code, refresh_token; secret clients add client_credentials; private_key_jwt clients add jwt-bearer.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  grant_types?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['code'],
    description: 'Only ["code"] (or [] without authorization_code).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  response_types?: string[];

  @ApiPropertyOptional({
    enum: CLIENT_AUTH_METHODS,
    default: 'client_secret_basic',
    description:
      'Decides the client type: none = public, client_secret_* = confidential-symmetric, private_key_jwt = confidential-asymmetric.',
  })
  @IsOptional()
  @IsString()
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional({ enum: CLIENT_ASSERTION_ALGS })
  @IsOptional()
  @IsString()
  token_endpoint_auth_signing_alg?: string;

  @ApiPropertyOptional({
    enum: TOKEN_SIGNING_ALGS,
    default: 'RS256',
    description: 'The algorithm of the ID tokens issued to the client.',
  })
  @IsOptional()
  @IsString()
  id_token_signed_response_alg?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Public keys (RSA >= 2048 bits or EC P-256/P-384), each with a unique kid. Not with jwks_uri.',
  })
  @IsOptional()
  @IsObject()
  jwks?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'https://backend.example.org/.well-known/jwks.json' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  jwks_uri?: string;

  @ApiPropertyOptional({
    example: 'launch openid fhirUser offline_access patient/composition-*.rs',
    description: 'Space-separated scopes the client may ever get; SMART patterns allowed.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(8000)
  scope?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: LAUNCH_MODES,
    description: 'Default: both, for authorization_code clients.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  launch_modes?: string[];

  @ApiPropertyOptional({
    enum: ['web', 'native'],
    description: 'Derived from redirect_uris when absent.',
  })
  @IsOptional()
  @IsString()
  application_type?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) logo_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) client_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) policy_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) tos_uri?: string;

  @ApiPropertyOptional({ type: [String], example: ['ops@example.org'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  contacts?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) software_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) software_version?: string;
}
