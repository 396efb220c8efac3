import { queryOperationOf } from './storage-query.observer.js';

describe('queryOperationOf: the bounded label of a query', () => {
  it.each([
    ['SELECT "c"."id" FROM "smart_client" "c"', 'select'],
    ['  select 1', 'select'],
    ['INSERT INTO "smart_oidc_payload" VALUES ($1)', 'insert'],
    ['UPDATE "smart_oidc_payload" SET "consumed" = $1 RETURNING *', 'update'],
    ['DELETE FROM "smart_rate_limit" WHERE "expires_at" < $1', 'delete'],
    ['START TRANSACTION', 'begin'],
    ['BEGIN TRANSACTION', 'begin'],
    ['COMMIT', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['WITH gone AS (DELETE FROM t RETURNING 1) SELECT count(*) FROM gone', 'other'],
    ['PRAGMA foreign_keys = ON', 'other'],
    ['SAVEPOINT typeorm_1', 'other'],
    ['', 'other'],
    ['/* comment */ SELECT 1', 'other'],
  ])('%j is %s', (sql, operation) => {
    expect(queryOperationOf(sql)).toBe(operation);
  });
});
