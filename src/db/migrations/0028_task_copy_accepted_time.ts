import type { Kysely } from 'kysely';

// When each team labeling copy was accepted (0 until it is), for a task's progress over time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('workforce_task_samples')
    .addColumn('accepted_time', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('workforce_task_samples').dropColumn('accepted_time').execute();
}
