import type { Kysely } from 'kysely';

// Team labeling tasks (#26-40): tasks, their members, each member's copy of a sample, and acceptances.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workforce_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('repetition', 'integer', (c) => c.notNull())
    .addColumn('sample_conditions', 'text', (c) => c.notNull())
    .addColumn('auto_sync_dataset', 'integer', (c) => c.notNull())
    .addColumn('data_sync_type', 'integer', (c) => c.notNull())
    .addColumn('synchronize_data', 'integer', (c) => c.notNull())
    .addColumn('synchronize_auto_labeling_data', 'integer', (c) => c.notNull())
    .addColumn('agency', 'text')
    .addColumn('version_id', 'text')
    .addColumn('checking_task_id', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workforce_tasks_dataset').on('workforce_tasks').columns(['dataset_id', 'create_time']).execute();
  await db.schema
    .createTable('workforce_task_workers')
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('workforce_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'integer', (c) => c.notNull())
    .addColumn('email_status', 'integer', (c) => c.notNull())
    .addColumn('last_notify_time', 'bigint', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('workforce_task_workers_pk', ['task_id', 'worker_id'])
    .execute();
  await db.schema.createIndex('workforce_task_workers_worker').on('workforce_task_workers').columns(['worker_id', 'task_id']).execute();
  await db.schema
    .createTable('workforce_task_samples')
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('sample_id', 'text', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('sample_time', 'bigint', (c) => c.notNull())
    .addColumn('state', 'integer', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('labeled_time', 'bigint', (c) => c.notNull())
    .addColumn('review_accept', 'integer')
    .addColumn('review_comment', 'text')
    .addColumn('review_score', 'text')
    .addColumn('reviewer_id', 'text')
    .addColumn('review_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('workforce_task_samples_pk', ['task_id', 'sample_id', 'worker_id'])
    .execute();
  // A member's page in list order, and the task-wide pages by state.
  await db.schema
    .createIndex('workforce_task_samples_worker')
    .on('workforce_task_samples')
    .columns(['task_id', 'worker_id', 'sample_time', 'sample_id'])
    .execute();
  await db.schema.createIndex('workforce_task_samples_state').on('workforce_task_samples').columns(['task_id', 'state', 'sample_time', 'sample_id']).execute();
  await db.schema
    .createTable('workforce_acceptances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('sampling_num', 'integer', (c) => c.notNull())
    .addColumn('action', 'integer')
    .addColumn('overwrite_last_result', 'integer', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workforce_acceptances_task').on('workforce_acceptances').columns(['task_id', 'create_time']).execute();
  await db.schema
    .createTable('workforce_acceptance_samples')
    .addColumn('acceptance_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('sample_id', 'text', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('accept', 'integer')
    .addColumn('comment', 'text')
    .addColumn('score', 'text')
    .addColumn('check_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('workforce_acceptance_samples_pk', ['acceptance_id', 'sample_id', 'worker_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['workforce_acceptance_samples', 'workforce_acceptances', 'workforce_task_samples', 'workforce_task_workers', 'workforce_tasks']) {
    await db.schema.dropTable(t).execute();
  }
}
