import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `token_revocation`: the revocation list every instance keeps in memory and the revocation feed
 * serves. SQLite's `AUTOINCREMENT` never reuses an id (the cursor must only grow). Revoked access
 * tokens of the previous store (`RevokedAccessToken` rows, keyed by the SHA-256 of the `jti` as
 * here) are carried over until they expire.
 */
export class TokenRevocation1764530000000 implements MigrationInterface {
  name = 'TokenRevocation1764530000000';

  async up(runner: QueryRunner): Promise<void> {
    const postgres = runner.connection.options.type === 'postgres';
    const id = postgres ? 'id BIGSERIAL PRIMARY KEY' : 'id INTEGER PRIMARY KEY AUTOINCREMENT';
    await runner.query(
      `CREATE TABLE token_revocation (${id}, kind VARCHAR(16) NOT NULL, target VARCHAR(255) NOT NULL, issued_before BIGINT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL)`,
    );
    await runner.query(
      'CREATE INDEX idx_token_revocation_target ON token_revocation (kind, target)',
    );
    await runner.query(
      'CREATE INDEX idx_token_revocation_expires ON token_revocation (expires_at)',
    );
    const now = Date.now();
    await runner.query(
      `INSERT INTO token_revocation (kind, target, issued_before, expires_at, created_at) SELECT 'jti', id, NULL, expires_at, ${now} FROM oidc_payload WHERE model = 'RevokedAccessToken' AND expires_at > ${now}`,
    );
    await runner.query(`DELETE FROM oidc_payload WHERE model = 'RevokedAccessToken'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE token_revocation');
  }
}
