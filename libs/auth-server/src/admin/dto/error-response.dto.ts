import { ApiProperty } from '../openapi.decorators.js';

/** Every admin API error: `{ error, error_description }` (RFC 7591 / RFC 6749 style). */
export class ErrorResponseDto {
  @ApiProperty({ example: 'invalid_client_metadata' })
  error!: string;

  @ApiProperty({ example: 'redirect_uris: http://example.com/cb must use https' })
  error_description!: string;
}
