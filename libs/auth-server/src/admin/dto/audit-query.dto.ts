import { ApiPropertyOptional } from '../openapi.decorators.js';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './page-query.dto.js';

/** `GET /admin/audit` filters. */
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'client.suspend' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ description: 'e.g. a client_id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  target_id?: string;

  @ApiPropertyOptional({ example: 'client' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  target_type?: string;

  @ApiPropertyOptional({
    description: 'who acted: a client_id, registration, cli:<user>, environment',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  actor?: string;
}
