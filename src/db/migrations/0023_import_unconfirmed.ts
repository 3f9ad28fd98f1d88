import type { Kysely } from 'kysely';

// Import tasks with final_annotation false: the samples they left with labels awaiting confirmation.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('dataset_import_tasks')
    .addColumn('unconfirmed_sample_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
