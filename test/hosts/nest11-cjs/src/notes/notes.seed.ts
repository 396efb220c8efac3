import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PATIENT_EHR_ID } from '../accounts';
import { Note } from './note.entity';

/** Notes the host writes at start, through the same DataSource as the auth server. */
export const SEEDED_NOTES = ['Admitted for observation', 'Discharged home'];

@Injectable()
export class NotesSeed implements OnApplicationBootstrap {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.notes.count()) > 0) return;
    await this.notes.save(
      SEEDED_NOTES.map((text) => this.notes.create({ ehrId: PATIENT_EHR_ID, text })),
    );
  }
}
