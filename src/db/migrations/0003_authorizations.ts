import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authorizations')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('authorizations_pk', ['project_id', 'user_id'])
    .execute();
  // The two sort orders of the list, so pages come off an index instead of a sort.
  await db.schema.createIndex('authorizations_by_time').on('authorizations').columns(['project_id', 'create_time', 'user_id']).execute();
  await db.schema.createIndex('authorizations_by_name').on('authorizations').columns(['project_id', 'user_name', 'user_id']).execute();
  await db.schema
    .createTable('agencies')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agencies_pk', ['project_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agencies').execute();
  await db.schema.dropTable('authorizations').execute();
}
