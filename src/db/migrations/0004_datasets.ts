import type { Kysely } from 'kysely';

// The datasets family's tables: datasets and their published versions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('data_format', 'text', (c) => c.notNull())
    /** JSON: the request's data_sources array. */
    .addColumn('data_sources', 'text', (c) => c.notNull())
    .addColumn('work_path', 'text', (c) => c.notNull())
    /** The dataset's own folder, <work_path><name>-<id>/, fixed at creation (a rename keeps it). */
    .addColumn('inner_path', 'text', (c) => c.notNull())
    .addColumn('work_path_type', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('import_annotations', 'integer', (c) => c.notNull())
    .addColumn('import_data', 'integer', (c) => c.notNull())
    .addColumn('managed', 'integer', (c) => c.notNull())
    /** JSON or null: label_format, schema, and the other request objects kept as given. */
    .addColumn('label_format', 'text')
    .addColumn('schema', 'text')
    .addColumn('extra', 'text')
    .addColumn('import_task_id', 'text')
    /** The background scan of the input path while the dataset is being created. */
    .addColumn('scan_task_id', 'text')
    .addColumn('current_version_id', 'text')
    .addColumn('next_version_num', 'integer', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('data_update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('datasets_name').unique().on('datasets').columns(['project_id', 'name']).execute();
  await db.schema.createIndex('datasets_by_time').on('datasets').columns(['project_id', 'create_time']).execute();

  await db.schema
    .createTable('dataset_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** 0 creating, 1 normal, 2 deleting, 3 deleted, 4 error (the spec's version status). */
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('message', 'text')
    /** Default, CarbonData or CSV. */
    .addColumn('version_format', 'text', (c) => c.notNull())
    /** train_evaluate_sample_ratio as a number, for the list filters. */
    .addColumn('train_ratio', 'double precision', (c) => c.notNull())
    /** The background publishing task. */
    .addColumn('task_id', 'text')
    /** JSON: the request options (split ratio, export_images, clear_hard_property, ...). */
    .addColumn('options', 'text', (c) => c.notNull())
    /** JSON: counts and label statistics computed when the snapshot froze. */
    .addColumn('stats', 'text')
    .addColumn('manifest_path', 'text')
    /** Folder of the files written beside the manifest (exported samples, CSV), when any. */
    .addColumn('data_path', 'text')
    .addColumn('previous_version_id', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dataset_versions_name').unique().on('dataset_versions').columns(['dataset_id', 'name']).execute();
  await db.schema.createIndex('dataset_versions_by_time').on('dataset_versions').columns(['dataset_id', 'create_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_versions').execute();
  await db.schema.dropTable('datasets').execute();
}
