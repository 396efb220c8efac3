import { ApiPropertyOptional } from '../openapi.decorators.js';
import { IsInt, IsOptional, Min } from 'class-validator';

/** `POST /admin/clients/{client_id}/secret`. */
export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    description:
      'How long the previous secret keeps working, in seconds (default secretRotationOverlapSeconds, at most secretRotationMaxOverlapSeconds).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  overlap_seconds?: number;
}
