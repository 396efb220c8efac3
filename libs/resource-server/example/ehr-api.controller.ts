import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { OpenEhrApi, SmartContext, type SmartTokenContext } from '@smart-openehr/resource-server';
import { InMemoryCompositionRepository } from './in-memory-composition.repository.js';

/** Global path of the example's openEHR REST API. */
export const EHR_API_BASE_PATH = '/openehr/rest/v1';

interface CanonicalComposition {
  archetype_details?: { template_id?: { value?: string } };
  [key: string]: unknown;
}

/**
 * A few openEHR REST endpoints. `@OpenEhrApi()` maps each request by URL to the scopes that allow
 * it (composition create = `c` on `composition-<template>`, read = `r`, …) before the handler runs.
 */
@Controller(EHR_API_BASE_PATH)
@OpenEhrApi({ basePath: EHR_API_BASE_PATH })
export class EhrApiController {
  constructor(private readonly compositions: InMemoryCompositionRepository) {}

  @Get('ehr/:ehr_id')
  getEhr(@Param('ehr_id') ehrId: string, @SmartContext() token: SmartTokenContext) {
    return { ehr_id: { value: ehrId }, requested_by: token.subject, client_id: token.clientId };
  }

  @Post('ehr/:ehr_id/composition')
  create(@Param('ehr_id') ehrId: string, @Body() body: CanonicalComposition) {
    const templateId = body.archetype_details?.template_id?.value ?? 'unknown';
    const stored = this.compositions.save(ehrId, templateId, body);
    return { uid: { value: stored.uid }, template_id: templateId };
  }

  @Get('ehr/:ehr_id/composition/:uid')
  read(@Param('ehr_id') ehrId: string, @Param('uid') uid: string) {
    const found = this.compositions.find(ehrId, uid);
    if (found === undefined) throw new NotFoundException();
    return found.body;
  }

  @Delete('ehr/:ehr_id/composition/:uid')
  @HttpCode(204)
  remove(@Param('ehr_id') ehrId: string, @Param('uid') uid: string): void {
    if (!this.compositions.remove(ehrId, uid)) throw new NotFoundException();
  }
}
