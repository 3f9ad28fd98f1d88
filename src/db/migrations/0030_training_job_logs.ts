import { SqliteAdapter, type Kysely } from 'kysely';

// The task logs and metric samples of training jobs on the kubernetes executor, kept in the shared database so every
// replica serves them: each stream of a task is a sequence of appended byte chunks, `start_offset` being where a chunk
// begins in the whole stream.
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof SqliteAdapter ? 'blob' : 'bytea';
  await db.schema
    .createTable('training_job_logs')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('start_offset', 'bigint', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('training_job_logs_pk', ['job_id', 'task', 'stream', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('training_job_logs').execute();
}
