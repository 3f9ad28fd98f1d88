import type { Kysely } from 'kysely';

// Dedicated resource pools of each project (#149-153) and their events (#142).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pools')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text')
    .addColumn('description', 'text')
    .addColumn('network_name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('nodes', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('masters', 'text')
    .addColumn('driver', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pools_project').on('pools').columns(['project_id', 'created_at']).execute();
  await db.schema
    .createTable('pool_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pool_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pool_events_pool').on('pool_events').columns(['pool_id', 'first_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pool_events').execute();
  await db.schema.dropTable('pools').execute();
}
