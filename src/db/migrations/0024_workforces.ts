import { sql, type Kysely } from 'kysely';

// Labeling teams, their members and the invitations mailed to them; a worker identity's latest sign-in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workforces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('workforces_project_name', ['project_id', 'name'])
    .execute();
  await db.schema
    .createTable('workforce_workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workforce_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('invite_status', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // One current membership per address and team; removed members (deleted_at set) stay beside it.
  await sql`create unique index workforce_workers_team_email on workforce_workers (workforce_id, email) where deleted_at is null`.execute(db);
  await db.schema.createIndex('workforce_workers_project').on('workforce_workers').columns(['project_id', 'created_at']).execute();
  await db.schema.createIndex('workforce_workers_user').on('workforce_workers').columns(['user_id', 'project_id']).execute();
  await db.schema
    .createTable('worker_invitations')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('worker_invitations_worker').on('worker_invitations').column('worker_id').execute();
  await db.schema.alterTable('users').addColumn('last_sign_in_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('last_sign_in_at').execute();
  for (const t of ['worker_invitations', 'workforce_workers', 'workforces']) await db.schema.dropTable(t).execute();
}
