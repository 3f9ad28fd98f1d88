import type { Kysely } from 'kysely';

// Network records of each project (#143-147).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('networks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text')
    .addColumn('cidr', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('networks_project').on('networks').columns(['project_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('networks').execute();
}
