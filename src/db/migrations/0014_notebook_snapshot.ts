import type { Kysely } from 'kysely';

// The image a SNAPSHOTTING notebook instance is being saved as (#85), so a restart can tell when it
// is done; and each notebook event's place in its instance's history (events of one ms keep their order).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notebooks').addColumn('snapshot_image_id', 'text').execute();
  await db.schema
    .alterTable('notebook_events')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notebook_events').dropColumn('seq').execute();
  await db.schema.alterTable('notebooks').dropColumn('snapshot_image_id').execute();
}
