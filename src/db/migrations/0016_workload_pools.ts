import type { Kysely } from 'kysely';

// The dedicated pool a training job or a notebook was placed in (null: the public pool), so a restart books it there again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('training_jobs').addColumn('pool_name', 'text').execute();
  await db.schema.alterTable('notebooks').addColumn('pool_name', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notebooks').dropColumn('pool_name').execute();
  await db.schema.alterTable('training_jobs').dropColumn('pool_name').execute();
}
