import type { Kysely } from 'kysely';

// Where a real-time service's model servers answer (JSON: the hosting replica's process, each
// model's weight and its instances' port and process), so every replica sharing the database can
// forward predictions to them and the reconciler can tell a hosted service from a lost one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('services').addColumn('endpoints', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('services').dropColumn('endpoints').execute();
}
