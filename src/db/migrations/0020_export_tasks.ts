import type { Kysely } from 'kysely';

// The data-transfer family's export tasks (#57-#59): what was asked (the request's choices as JSON),
// the background task writing the files, and the counts the status answers with.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset_export_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    /** INIT, RUNNING, FAILED, SUCCESSED (the spec's export task status). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('export_type', 'integer', (c) => c.notNull())
    /** 1 tree, 2 tile; null for a manifest. */
    .addColumn('export_format', 'integer')
    .addColumn('version_id', 'text')
    /** JSON: the request's choices (export_params, sample_state, source_type_header, annotation_format). */
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('queue_task_id', 'text')
    .addColumn('total_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('finished_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_msg', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dataset_export_tasks_by_time').on('dataset_export_tasks').columns(['dataset_id', 'create_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_export_tasks').execute();
}
