import type { Kysely } from 'kysely';

// What each replica holds of the pools it admits workloads to (src/runtime/pool-ledger/), so that replicas sharing the
// cluster count each other's holdings. A replica's liveness is its lease `pool-ledger:<replica>` in the leases table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pool_holdings')
    .addColumn('replica', 'text', (c) => c.notNull())
    .addColumn('pool', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('cpu', 'double precision', (c) => c.notNull())
    .addColumn('memory_mb', 'bigint', (c) => c.notNull())
    .addColumn('placement', 'text', (c) => c.notNull())
    .addColumn('holder_kind', 'text')
    .addColumn('holder_id', 'text')
    .addColumn('holder_name', 'text')
    .addColumn('project_id', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pool_holdings_pk', ['replica', 'pool', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pool_holdings').execute();
}
