import type { Kysely } from 'kysely';

// Intelligent tasks of datasets (#62-67): one row per auto labeling or auto grouping run.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intelligent_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('task_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_msg', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('start_ticks', 'bigint', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intelligent_tasks_dataset').on('intelligent_tasks').columns(['dataset_id', 'create_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intelligent_tasks').execute();
}
