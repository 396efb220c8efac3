import { ApiProperty } from '../openapi.decorators.js';
import { AuditEventViewDto } from './audit-event-view.dto.js';

/** `GET /admin/audit`: one page, newest first. */
export class AuditPageDto {
  @ApiProperty({ type: [AuditEventViewDto] }) items!: AuditEventViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
