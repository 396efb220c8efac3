import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { fromParam, RequireOpenEhr, SmartContext } from '@smart-openehr/resource-server';
import { InMemoryCompositionRepository } from './in-memory-composition.repository.js';

/**
 * A platform-specific route that is not part of openEHR REST: `@RequireOpenEhr()` declares the
 * access it needs (`r` on `composition-<template_id>` of the EHR in the path).
 */
@Controller('apps/summary')
export class VitalsSummaryController {
  constructor(private readonly compositions: InMemoryCompositionRepository) {}

  @Get('ehr/:ehr_id/latest/:template_id')
  @RequireOpenEhr('composition', 'r', { id: fromParam('template_id') })
  latest(
    @Param('ehr_id') ehrId: string,
    @Param('template_id') templateId: string,
    @SmartContext('ehrId') tokenEhrId: string | undefined,
  ) {
    const found = this.compositions.latest(ehrId, templateId);
    if (found === undefined) throw new NotFoundException();
    return { uid: found.uid, template_id: templateId, token_ehr_id: tokenEhrId ?? null };
  }
}
