import type { MigrationInterface, QueryRunner } from 'typeorm';
import { smartSchemaNamesOf } from '../smart-table.names.js';

/**
 * The `grant_id` and `(model, uid)` indexes only cover rows that have those columns: replay
 * records, codes and most other rows have neither, and each insert then updates two indexes
 * fewer (on SQLite, two fewer pages written to the WAL per client assertion). Lookups by
 * `grant_id = ?` or `model = ? AND uid = ?` imply `IS NOT NULL`, so both engines still use them.
 */
export class PartialPayloadIndexes1764400000000 implements MigrationInterface {
  name = 'PartialPayloadIndexes1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    const { table, index } = smartSchemaNamesOf(runner.connection);
    const [payloads, grant, uid] = [
      table('oidc_payload'),
      index('oidc_payload', 'grant'),
      index('oidc_payload', 'uid'),
    ];
    await runner.query(`DROP INDEX ${grant}`);
    await runner.query(`DROP INDEX ${uid}`);
    await runner.query(
      `CREATE INDEX ${grant} ON ${payloads} (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX ${uid} ON ${payloads} (model, uid) WHERE uid IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const { table, index } = smartSchemaNamesOf(runner.connection);
    const [payloads, grant, uid] = [
      table('oidc_payload'),
      index('oidc_payload', 'grant'),
      index('oidc_payload', 'uid'),
    ];
    await runner.query(`DROP INDEX ${grant}`);
    await runner.query(`DROP INDEX ${uid}`);
    await runner.query(`CREATE INDEX ${grant} ON ${payloads} (grant_id)`);
    await runner.query(`CREATE INDEX ${uid} ON ${payloads} (model, uid)`);
  }
}
