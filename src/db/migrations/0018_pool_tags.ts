import type { Kysely } from 'kysely';

// The tags of dedicated resource pools (#163-167): one row per pool and key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pool_tags')
    .addColumn('pool_name', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pool_tags_pk', ['pool_name', 'key'])
    .execute();
  await db.schema.createIndex('pool_tags_project').on('pool_tags').columns(['project_id', 'pool_name']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pool_tags').execute();
}
