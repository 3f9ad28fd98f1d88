import type { Kysely } from 'kysely';

// The images family: each project's DEDICATED images (registered environments, saved notebook environments).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('images')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('arch', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('dev_services', 'text', (c) => c.notNull())
    .addColumn('resource_categories', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('swr_path', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('python', 'text', (c) => c.notNull())
    .addColumn('python_version', 'text', (c) => c.notNull())
    .addColumn('packages', 'text', (c) => c.notNull())
    .addColumn('size_kb', 'bigint', (c) => c.notNull())
    /** CREATING, CREATE_FAILED or ACTIVE. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text', (c) => c.notNull())
    .addColumn('source_prefix', 'text')
    .addColumn('create_at', 'bigint', (c) => c.notNull())
    .addColumn('update_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('images_by_project').on('images').columns(['project_id', 'create_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('images').execute();
}
