import type { Kysely } from 'kysely';

// The models and services families' tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('model_type', 'text', (c) => c.notNull())
    .addColumn('runtime', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('source_location', 'text', (c) => c.notNull())
    .addColumn('source_job_id', 'text')
    .addColumn('source_job_version', 'text')
    .addColumn('source_type', 'text')
    .addColumn('execution_code', 'text')
    .addColumn('model_algorithm', 'text', (c) => c.notNull())
    .addColumn('model_metrics', 'text')
    .addColumn('apis', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('dependencies', 'text', (c) => c.notNull())
    .addColumn('input_params', 'text', (c) => c.notNull())
    .addColumn('output_params', 'text', (c) => c.notNull())
    .addColumn('install_type', 'text', (c) => c.notNull())
    .addColumn('model_docs', 'text', (c) => c.notNull())
    .addColumn('health', 'text')
    .addColumn('swr_location', 'text')
    .addColumn('model_status', 'text', (c) => c.notNull())
    .addColumn('error_msg', 'text')
    .addColumn('model_size', 'bigint', (c) => c.notNull())
    .addColumn('create_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('models_name_version').unique().on('models').columns(['project_id', 'model_name', 'model_version']).execute();
  await db.schema.createIndex('models_by_time').on('models').columns(['project_id', 'create_at']).execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('infer_type', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('cluster_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('desired', 'text', (c) => c.notNull())
    .addColumn('error_msg', 'text')
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('additional_properties', 'text', (c) => c.notNull())
    .addColumn('invocation_times', 'bigint', (c) => c.notNull())
    .addColumn('failed_times', 'bigint', (c) => c.notNull())
    .addColumn('publish_at', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('transition_at', 'bigint', (c) => c.notNull())
    .addColumn('due_time', 'bigint')
    .execute();
  await db.schema.createIndex('services_name').unique().on('services').columns(['project_id', 'service_name']).execute();

  await db.schema
    .createTable('service_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_info', 'text', (c) => c.notNull())
    .addColumn('occur_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_events_by_time').on('service_events').columns(['service_id', 'occur_time']).execute();

  await db.schema
    .createTable('service_update_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_update_logs_by_time').on('service_update_logs').columns(['service_id', 'update_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_update_logs').execute();
  await db.schema.dropTable('service_events').execute();
  await db.schema.dropTable('services').execute();
  await db.schema.dropTable('models').execute();
}
