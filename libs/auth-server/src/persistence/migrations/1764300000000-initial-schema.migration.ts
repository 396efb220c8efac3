import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';
import { type SmartSchemaNames, smartSchemaNamesOf } from '../smart-table.names.js';

const varchar = (name: string, length = 255, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const text = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});
const bigint = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});
const pk = (column: TableColumnOptions): TableColumnOptions => ({ ...column, isPrimary: true });

/** The tables, named in the data source's table prefix. */
const tables = ({ table, index }: SmartSchemaNames): Table[] => [
  new Table({
    name: table('oidc_payload'),
    columns: [
      pk(varchar('model', 64)),
      pk(varchar('id')),
      text('payload'),
      varchar('grant_id', 255, true),
      varchar('user_code', 255, true),
      varchar('uid', 255, true),
      bigint('expires_at', true),
      bigint('consumed_at', true),
    ],
    indices: [
      { name: index('oidc_payload', 'grant'), columnNames: ['grant_id'] },
      { name: index('oidc_payload', 'uid'), columnNames: ['model', 'uid'] },
      { name: index('oidc_payload', 'expires'), columnNames: ['expires_at'] },
    ],
  }),
  new Table({
    name: table('signing_key'),
    columns: [
      pk(varchar('kid', 64)),
      varchar('alg', 16),
      text('material'),
      bigint('created_at'),
      bigint('activate_at'),
      bigint('retire_at', true),
    ],
  }),
  new Table({
    name: table('oauth_client'),
    columns: [
      pk(varchar('client_id')),
      text('metadata'),
      varchar('client_type', 32),
      varchar('status', 16),
      { name: 'trusted', type: 'boolean', default: false },
      text('secret_hash', true),
      text('previous_secret_hash', true),
      bigint('previous_secret_expires_at', true),
      varchar('created_by'),
      varchar('updated_by'),
      bigint('created_at'),
      bigint('updated_at'),
    ],
  }),
  new Table({
    name: table('launch_context'),
    columns: [
      pk(varchar('id')),
      varchar('client_id', 255, true),
      text('context'),
      varchar('created_by'),
      bigint('expires_at'),
      bigint('consumed_at', true),
    ],
  }),
  new Table({
    name: table('audit_event'),
    columns: [
      pk(varchar('id', 36)),
      bigint('at'),
      varchar('actor'),
      varchar('action', 64),
      varchar('target_type', 64, true),
      varchar('target_id', 255, true),
      text('details', true),
    ],
    indices: [{ name: index('audit_event', 'at'), columnNames: ['at'] }],
  }),
  new Table({
    name: table('trusted_issuer'),
    columns: [
      pk(varchar('issuer', 512)),
      text('jwks', true),
      varchar('jwks_uri', 2048, true),
      text('allowed_subjects'),
      text('allowed_scope'),
      bigint('created_at'),
    ],
  }),
  new Table({
    name: table('consent_decision'),
    columns: [
      pk(varchar('account_id')),
      pk(varchar('client_id')),
      text('scope'),
      bigint('updated_at'),
    ],
  }),
  new Table({
    name: table('rate_limit'),
    columns: [pk(varchar('key')), { name: 'count', type: 'integer' }, bigint('reset_at')],
  }),
];

/**
 * The first schema of the auth server. Later changes come as new migrations. Tables and indexes
 * take the prefix of the data source's naming strategy (`smartAuthNamingStrategy`).
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(smartSchemaNamesOf(queryRunner.connection))) {
      await queryRunner.createTable(table, true);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(smartSchemaNamesOf(queryRunner.connection)).reverse()) {
      await queryRunner.dropTable(table.name, true);
    }
  }
}
