import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The host's table, created by a migration next to the auth server's. */
export class CreateNotes1800000000000 implements MigrationInterface {
  name = 'CreateNotes1800000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'host_note',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'ehr_id', type: 'varchar', length: '64' },
          { name: 'text', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('host_note');
  }
}
