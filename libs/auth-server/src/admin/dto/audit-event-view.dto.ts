import { ApiProperty, ApiPropertyOptional } from '../openapi.decorators.js';
import type { AuditEvent } from '../../audit/audit.types.js';

/** One audit event on the wire. */
export class AuditEventViewDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ example: 'client.suspend' }) action!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) target_type!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) target_id!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'before / after state and details; never a secret',
  })
  details!: Record<string, unknown> | null;
}

export function toAuditEventView(event: AuditEvent): AuditEventViewDto {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    details: event.details,
  };
}
