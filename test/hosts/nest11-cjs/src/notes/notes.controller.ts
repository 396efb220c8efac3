import { Controller, Get, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  RequireOpenEhr,
  SmartContext,
  type SmartTokenContext,
} from '@smart-openehr/resource-server';
import type { Repository } from 'typeorm';
import { Note } from './note.entity';

/** A route the host owns, protected by the resource-server package. */
@Controller('api/ehr/:ehr_id/notes')
export class NotesController {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  @Get()
  @RequireOpenEhr('composition', 'r')
  async list(@Param('ehr_id') ehrId: string, @SmartContext() token: SmartTokenContext) {
    const rows = await this.notes.find({ where: { ehrId }, order: { id: 'ASC' } });
    return { ehr_id: ehrId, client_id: token.clientId, notes: rows.map((n) => n.text) };
  }
}
