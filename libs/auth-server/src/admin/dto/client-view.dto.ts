import { ApiProperty, ApiPropertyOptional } from '../openapi.decorators.js';
import type { SmartClient } from '../../clients/client.types.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A registered client as the admin API shows it (never a secret). */
export class ClientViewDto {
  @ApiProperty() client_id!: string;
  @ApiProperty({ description: 'Seconds since the epoch (RFC 7591).' }) client_id_issued_at!: number;
  @ApiProperty({ enum: ['public', 'confidential-symmetric', 'confidential-asymmetric'] })
  client_type!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'suspended'] }) status!: string;
  @ApiProperty() trusted!: boolean;
  @ApiPropertyOptional() client_name?: string;
  @ApiProperty({ type: [String] }) redirect_uris!: string[];
  @ApiProperty({ type: [String] }) grant_types!: string[];
  @ApiProperty({ type: [String] }) response_types!: string[];
  @ApiProperty() token_endpoint_auth_method!: string;
  @ApiPropertyOptional() token_endpoint_auth_signing_alg?: string;
  @ApiPropertyOptional() id_token_signed_response_alg?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) jwks?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional() jwks_uri?: string;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional({ type: [String] }) launch_modes?: string[];
  @ApiPropertyOptional({ enum: ['web', 'native'] }) application_type?: string;
  @ApiPropertyOptional() logo_uri?: string;
  @ApiPropertyOptional() client_uri?: string;
  @ApiPropertyOptional() policy_uri?: string;
  @ApiPropertyOptional() tos_uri?: string;
  @ApiPropertyOptional({ type: [String] }) contacts?: string[];
  @ApiPropertyOptional() software_id?: string;
  @ApiPropertyOptional() software_version?: string;
  @ApiPropertyOptional({
    description: 'Until when (epoch seconds) the previous secret still works.',
  })
  previous_secret_expires_at?: number;
  @ApiProperty() created_by!: string;
  @ApiProperty() updated_by!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

/** Maps a client to its wire view (spec casing; server fields win over metadata members). */
export function toClientView(client: SmartClient): ClientViewDto {
  const previous = client.previousSecretExpiresAt;
  return {
    ...(client.metadata as Omit<ClientViewDto, 'client_id'>),
    client_id: client.clientId,
    client_id_issued_at: seconds(client.createdAt),
    client_type: client.clientType,
    status: client.status,
    trusted: client.trusted,
    redirect_uris: client.metadata.redirect_uris ?? [],
    grant_types: client.metadata.grant_types ?? [],
    response_types: client.metadata.response_types ?? [],
    ...(previous !== null && previous > Date.now()
      ? { previous_secret_expires_at: seconds(previous) }
      : {}),
    created_by: client.createdBy,
    updated_by: client.updatedBy,
    created_at: new Date(client.createdAt).toISOString(),
    updated_at: new Date(client.updatedAt).toISOString(),
  };
}
