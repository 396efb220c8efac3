import { ApiPropertyOptional } from '../openapi.decorators.js';
import { IsBoolean, IsOptional } from 'class-validator';
import { ClientMetadataDto } from './client-metadata.dto.js';

/** `POST /admin/clients`: metadata plus the admin-only `trusted` flag. */
export class CreateClientDto extends ClientMetadataDto {
  @ApiPropertyOptional({ default: false, description: 'Trusted apps skip the consent page.' })
  @IsOptional()
  @IsBoolean()
  trusted?: boolean;
}
