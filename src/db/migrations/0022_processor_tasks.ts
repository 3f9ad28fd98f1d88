import type { Kysely } from 'kysely';

// Data processing tasks (#68-73), their versions (#74-79) and the per-file results of each version (#78).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('processor_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('data_source', 'text')
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('work_path', 'text')
    .addColumn('dataset_version_id', 'text')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('processor_tasks_project').on('processor_tasks').columns(['project_id', 'create_time']).execute();
  await db.schema
    .createTable('processor_task_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('version_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('work_path', 'text')
    .addColumn('output_path', 'text', (c) => c.notNull())
    .addColumn('queue_task_id', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_msg', 'text')
    .addColumn('origin_sample_count', 'integer', (c) => c.notNull())
    .addColumn('add_sample_count', 'integer', (c) => c.notNull())
    .addColumn('modified_sample_count', 'integer', (c) => c.notNull())
    .addColumn('deleted_sample_count', 'integer', (c) => c.notNull())
    .addColumn('unmodified_sample_count', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('processor_task_versions_task').on('processor_task_versions').columns(['task_id', 'create_time']).execute();
  await db.schema
    .createTable('processor_results')
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('sample_id', 'text', (c) => c.notNull())
    .addColumn('origin_source', 'text', (c) => c.notNull())
    .addColumn('new_source', 'text')
    .addColumn('result_property', 'integer', (c) => c.notNull())
    .addColumn('result_description', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('processor_results_pk', ['version_id', 'seq'])
    .execute();
  await db.schema.createIndex('processor_results_property').on('processor_results').columns(['version_id', 'result_property', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('processor_results').execute();
  await db.schema.dropTable('processor_task_versions').execute();
  await db.schema.dropTable('processor_tasks').execute();
}
