import type { Kysely } from 'kysely';

// The data-transfer family's sync tasks (#60, #61): each re-scan of a dataset's input folder, with
// the samples it added and removed. Only the newest of a dataset is ever shown.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset_sync_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    /** QUEUING, RUNNING, COMPLETED, FAILED (the spec's sync task status). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('queue_task_id', 'text')
    .addColumn('add_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('deleted_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('total_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_msg', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('start_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .execute();
  await db.schema.createIndex('dataset_sync_tasks_by_time').on('dataset_sync_tasks').columns(['dataset_id', 'create_time']).execute();
}
