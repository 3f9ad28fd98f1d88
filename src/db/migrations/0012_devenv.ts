import type { Kysely } from 'kysely';

// The old DevEnviron API (#101-106): profile, OBS working directory and auto stop of each instance.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devenv_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('auto_stop_enable', 'integer', (c) => c.notNull())
    .addColumn('auto_stop_duration', 'integer', (c) => c.notNull())
    .addColumn('auto_stop_prompt', 'integer', (c) => c.notNull())
    .addColumn('synced', 'text', (c) => c.notNull())
    .addColumn('sync_pending', 'integer', (c) => c.notNull())
    .addColumn('sync_error', 'text', (c) => c.notNull())
    .addColumn('create_at', 'bigint', (c) => c.notNull())
    .addColumn('update_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devenv_instances_by_project').on('devenv_instances').columns(['project_id', 'create_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('devenv_instances').execute();
}
