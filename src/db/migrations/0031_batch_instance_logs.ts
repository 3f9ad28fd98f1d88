import type { Kysely } from 'kysely';

// The logs of a batch service's pods on the kubernetes executor, copied from the cluster when its run ends (before
// its Job and pods are deleted), so that every replica answers ShowServiceInstanceLogs afterwards. One row per pod
// of the service's last run, its content bounded (batch-pod-logs.ts); the rows go with the service.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batch_instance_logs')
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('full_size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_instance_logs_pk', ['service_id', 'instance_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('batch_instance_logs').execute();
}
