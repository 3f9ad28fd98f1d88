import type { Kysely } from 'kysely';

// The training families' tables (algorithms, training jobs).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('algorithms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('ai_project', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('domain_id', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('job_config', 'text', (c) => c.notNull())
    .addColumn('code_tree', 'text', (c) => c.notNull())
    .addColumn('resource_requirements', 'text', (c) => c.notNull())
    .addColumn('advanced_config', 'text', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('algorithms_by_time').on('algorithms').columns(['project_id', 'create_time']).execute();
  await db.schema.createIndex('algorithms_by_name').on('algorithms').columns(['project_id', 'name']).execute();

  await db.schema
    .createTable('training_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('algorithm_id', 'text')
    .addColumn('algorithm_name', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('engine_id', 'text', (c) => c.notNull())
    .addColumn('flavor_id', 'text', (c) => c.notNull())
    .addColumn('node_count', 'integer', (c) => c.notNull())
    .addColumn('cpu', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'bigint', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('secondary_phase', 'text', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('start_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('task_statuses', 'text', (c) => c.notNull())
    .addColumn('processes', 'text', (c) => c.notNull())
    .addColumn('terminate_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('search', 'text')
    .execute();
  await db.schema.createIndex('training_jobs_by_time').on('training_jobs').columns(['project_id', 'create_time']).execute();
  // The scheduler and the reconciler look for jobs by phase.
  await db.schema.createIndex('training_jobs_by_phase').on('training_jobs').columns(['phase', 'create_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('training_jobs').execute();
  await db.schema.dropTable('algorithms').execute();
}
