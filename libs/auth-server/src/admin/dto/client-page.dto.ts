import { ApiProperty } from '../openapi.decorators.js';
import { ClientViewDto } from './client-view.dto.js';

/** `GET /admin/clients`: one page, oldest first. */
export class ClientPageDto {
  @ApiProperty({ type: [ClientViewDto] }) items!: ClientViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
