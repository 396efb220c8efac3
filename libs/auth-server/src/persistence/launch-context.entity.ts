import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An EHR launch handle created by the platform's launcher; single-use, short-lived. */
@Entity({ name: 'launch_context' })
export class LaunchContextEntity {
  /** sha-256 of the opaque handle. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255, nullable: true })
  clientId: string | null;

  /** The launch context (ehrId, patient, episodeId, encounter, fhirContext...) as JSON. */
  @Column({ type: 'text' })
  context: string;

  @Column({ name: 'created_by', type: 'varchar', length: 255 })
  createdBy: string;

  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt: string | number;

  @Column({ name: 'consumed_at', type: 'bigint', nullable: true })
  consumedAt: string | number | null;
}
