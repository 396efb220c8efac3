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

  @ApiPropertyOptional({
    description: 'events at or after this time: epoch milliseconds or ISO 8601 (`2026-03-01`)',
    example: '2026-03-01T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    description: 'events at or before this time: epoch milliseconds or ISO 8601',
    example: '1772409600000',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}
