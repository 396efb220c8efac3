import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The host's own data: a clinical note on an EHR. */
@Entity({ name: 'host_note' })
export class Note {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'ehr_id', type: 'varchar', length: 64 })
  ehrId: string;

  @Column({ type: 'text' })
  text: string;
}
