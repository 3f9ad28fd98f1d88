import type { Kysely } from 'kysely';

// OBS folders mounted on notebook instances (#92-95).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notebook_storage')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notebook_id', 'text', (c) => c.notNull().references('notebooks.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('detaching', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fail_reason', 'text', (c) => c.notNull())
    .addColumn('synced', 'text', (c) => c.notNull())
    .addColumn('create_at', 'bigint', (c) => c.notNull())
    .addColumn('update_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notebook_storage_by_notebook').on('notebook_storage').columns(['notebook_id', 'create_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notebook_storage').execute();
}
