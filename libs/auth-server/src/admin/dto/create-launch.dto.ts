import { ApiPropertyOptional } from '../openapi.decorators.js';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString, IsUrl, Length } from 'class-validator';

/** `POST /admin/launches` body (contract.md): the context of one EHR launch. */
export class CreateLaunchDto {
  @ApiPropertyOptional({ description: 'openEHR EHR id of the patient in context' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  ehrId?: string;

  @ApiPropertyOptional({ description: 'FHIR Patient id' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  patient?: string;

  @ApiPropertyOptional({ description: 'episode id (context-openehr-episode, when enabled)' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  episodeId?: string;

  @ApiPropertyOptional({ description: 'the only client that may use this launch' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  encounter?: string;

  @ApiPropertyOptional({ type: [Object] })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  fhirContext?: Record<string, unknown>[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  intent?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  need_patient_banner?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  smart_style_url?: string;
}
