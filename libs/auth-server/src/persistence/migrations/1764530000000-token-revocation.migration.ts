import type { MigrationInterface, QueryRunner } from 'typeorm';
import { smartSchemaNamesOf } from '../smart-table.names.js';

/**
 * `token_revocation`: the revocation list every instance keeps in memory and the revocation feed
 * serves. SQLite's `AUTOINCREMENT` never reuses an id (the cursor must only grow). Revoked access
 * tokens of the previous store (`RevokedAccessToken` rows, keyed by the SHA-256 of the `jti` as
 * here) are carried over until they expire.
 */
export class TokenRevocation1764530000000 implements MigrationInterface {
  name = 'TokenRevocation1764530000000';

  async up(runner: QueryRunner): Promise<void> {
    const { table, index } = smartSchemaNamesOf(runner.connection);
    const [revocations, payloads] = [table('token_revocation'), table('oidc_payload')];
    const postgres = runner.connection.options.type === 'postgres';
    const id = postgres ? 'id BIGSERIAL PRIMARY KEY' : 'id INTEGER PRIMARY KEY AUTOINCREMENT';
    await runner.query(
      `CREATE TABLE ${revocations} (${id}, kind VARCHAR(16) NOT NULL, target VARCHAR(255) NOT NULL, issued_before BIGINT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL)`,
    );
    await runner.query(
      `CREATE INDEX ${index('token_revocation', 'target')} ON ${revocations} (kind, target)`,
    );
    await runner.query(
      `CREATE INDEX ${index('token_revocation', 'expires')} ON ${revocations} (expires_at)`,
    );
    const now = Date.now();
    await runner.query(
      `INSERT INTO ${revocations} (kind, target, issued_before, expires_at, created_at) SELECT 'jti', id, NULL, expires_at, ${now} FROM ${payloads} WHERE model = 'RevokedAccessToken' AND expires_at > ${now}`,
    );
    await runner.query(`DELETE FROM ${payloads} WHERE model = 'RevokedAccessToken'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE ${smartSchemaNamesOf(runner.connection).table('token_revocation')}`,
    );
  }
}
