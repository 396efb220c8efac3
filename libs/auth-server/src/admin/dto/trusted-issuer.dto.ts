import { ApiProperty, ApiPropertyOptional } from '../openapi.decorators.js';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
} from 'class-validator';

/** `POST /admin/trusted-issuers`: an issuer whose assertions the jwt-bearer grant accepts. */
export class TrustedIssuerDto {
  @ApiProperty({ example: 'https://idp.hospital.example' })
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  issuer: string;

  @ApiPropertyOptional({ description: 'inline JWKS (public keys)' })
  @IsOptional()
  @IsObject()
  jwks?: { keys: Record<string, unknown>[] };

  @ApiPropertyOptional({
    description: 'JWKS URL (fetched with the same limits as client jwks_uri)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  jwks_uri?: string;

  @ApiProperty({
    example: ['Practitioner/*'],
    description: 'subjects it may assert; `*` = any, trailing `*` = prefix',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 512, { each: true })
  allowed_subjects: string[];

  @ApiProperty({
    example: 'user/composition-*.rs',
    description: 'scopes it may assert (SMART patterns)',
  })
  @IsString()
  @Length(1, 4096)
  allowed_scope: string;
}
