import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('buckets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner_domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buckets_by_owner').on('buckets').columns(['owner_domain_id', 'name']).execute();
  await db.schema
    .createTable('bucket_grants')
    .addColumn('bucket', 'text', (c) => c.notNull().references('buckets.name').onDelete('cascade'))
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('bucket_grants_pk', ['bucket', 'domain_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bucket_grants').execute();
  await db.schema.dropTable('buckets').execute();
}
