import type { Kysely } from 'kysely';

// The data-transfer family's import tasks: the scan of a new dataset's input today, the import tasks
// of ImportTask (#55) later. Counts and per-file errors are kept with the task.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset_import_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    /** QUEUING, STARTING, RUNNING, COMPLETED, FAILED (the spec's import task status). */
    .addColumn('status', 'text', (c) => c.notNull())
    /** 0 a folder, 1 a manifest (the spec's import_type). */
    .addColumn('import_type', 'integer', (c) => c.notNull())
    .addColumn('import_path', 'text', (c) => c.notNull())
    /** JSON: the data source as the answer shows it. */
    .addColumn('data_source', 'text', (c) => c.notNull())
    /** JSON: the request's choices (annotations, label format, label filters, ...). */
    .addColumn('options', 'text', (c) => c.notNull())
    /** The background task doing the work. */
    .addColumn('queue_task_id', 'text')
    .addColumn('total_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('imported_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('annotated_sample_count', 'bigint', (c) => c.notNull())
    .addColumn('total_file_count', 'bigint', (c) => c.notNull())
    .addColumn('total_file_size', 'bigint', (c) => c.notNull())
    .addColumn('finished_file_count', 'bigint', (c) => c.notNull())
    .addColumn('finished_file_size', 'bigint', (c) => c.notNull())
    /** Files (or samples) that could not be imported as given, and the first of them: JSON [{file, reason}]. */
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_msg', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('start_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .execute();
  await db.schema.createIndex('dataset_import_tasks_by_time').on('dataset_import_tasks').columns(['dataset_id', 'create_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_import_tasks').execute();
}
