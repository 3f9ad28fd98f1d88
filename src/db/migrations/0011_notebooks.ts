import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notebooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('feature', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('volume', 'text', (c) => c.notNull())
    .addColumn('endpoints', 'text', (c) => c.notNull())
    .addColumn('hooks', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fail_reason', 'text', (c) => c.notNull())
    .addColumn('action_progress', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('lease_type', 'text', (c) => c.notNull())
    .addColumn('lease_duration', 'bigint', (c) => c.notNull())
    .addColumn('lease_enable', 'integer', (c) => c.notNull())
    .addColumn('lease_create_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_update_at', 'bigint', (c) => c.notNull())
    .addColumn('last_activity', 'bigint', (c) => c.notNull())
    .addColumn('create_at', 'bigint', (c) => c.notNull())
    .addColumn('update_at', 'bigint', (c) => c.notNull())
    .addColumn('pid', 'integer')
    .addColumn('start_ticks', 'bigint')
    .addColumn('port', 'integer')
    .addColumn('jupyter_token', 'text', (c) => c.notNull())
    .addColumn('cpu', 'real', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notebooks_by_project').on('notebooks').columns(['project_id', 'create_at']).execute();
  await db.schema
    .createTable('notebook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notebook_id', 'text', (c) => c.notNull().references('notebooks.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notebook_events_by_notebook').on('notebook_events').columns(['notebook_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notebook_events').execute();
  await db.schema.dropTable('notebooks').execute();
}
