import type { Kysely } from 'kysely';

// Placeholder until the durable task queue lands (src/runtime/).
export async function up(_db: Kysely<unknown>): Promise<void> {}
export async function down(_db: Kysely<unknown>): Promise<void> {}
