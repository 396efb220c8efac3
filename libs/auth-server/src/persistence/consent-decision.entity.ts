import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a user approved for an app, remembered for the next authorization. */
@Entity({ name: 'consent_decision' })
export class ConsentDecisionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 255 })
  accountId: string;

  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** Space-separated approved scopes. */
  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'updated_at', type: 'bigint' })
  updatedAt: string | number;
}
