import type { Kysely } from 'kysely';

// Statistics every replica reads the same: the pool monitor's sample buckets and latest readings (written by the
// replica holding the sampler's lease, src/runtime/metrics/shared-history.ts), and each deployed model's request
// counts and recent latencies (added to by every replica, src/modules/services/model-stats.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('metric_buckets')
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('tier', 'integer', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('stats', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_buckets_pk', ['series', 'tier', 'start'])
    .execute();
  await db.schema.createIndex('metric_buckets_updated').on('metric_buckets').column('updated_at').execute();
  await db.schema
    .createTable('metric_latest')
    .addColumn('series', 'text', (c) => c.primaryKey())
    .addColumn('reading', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('service_model_stats')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('invocations', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'bigint', (c) => c.notNull())
    .addColumn('latencies', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_model_stats_pk', ['service_id', 'model_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_model_stats').execute();
  await db.schema.dropTable('metric_latest').execute();
  await db.schema.dropTable('metric_buckets').execute();
}
