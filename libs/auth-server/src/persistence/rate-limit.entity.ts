import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fixed-window rate-limit counter, shared by every instance through the database. */
@Entity({ name: 'rate_limit' })
export class RateLimitEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'integer' })
  count: number;

  /** Epoch ms when the window resets. */
  @Column({ name: 'reset_at', type: 'bigint' })
  resetAt: string | number;
}
