import { SqliteAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

// The samples family's tables: labels, samples, the label index, counters, version copies, metrics.
// Every table names its dataset with ON DELETE CASCADE, so deleting a dataset removes all of it.

const datasetColumn = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
  t.addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'));

/** The columns a sample and its frozen copy share. */
const sampleColumns = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
  t
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dir', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sample_type', 'integer', (c) => c.notNull())
    .addColumn('sample_time', 'bigint', (c) => c.notNull())
    .addColumn('state', 'integer', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('label_set', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('usage', 'text')
    .addColumn('hard', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('labeler', 'text')
    .addColumn('labeled_time', 'bigint', (c) => c.notNull());

export async function up(db: Kysely<unknown>): Promise<void> {
  // Small rows keyed by their primary key: on SQLite the key index is the table (one B-tree, not two).
  const keyed = db.getExecutor().adapter instanceof SqliteAdapter ? sql`without rowid` : sql``;

  await datasetColumn(db.schema.createTable('dataset_labels'))
    .addColumn('label_no', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text')
    .addColumn('count_manual', 'bigint', (c) => c.notNull())
    .addColumn('samples_manual', 'bigint', (c) => c.notNull())
    .addColumn('count_auto', 'bigint', (c) => c.notNull())
    .addColumn('samples_auto', 'bigint', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_labels_pk', ['dataset_id', 'label_no'])
    .execute();
  await db.schema.createIndex('dataset_labels_name').unique().on('dataset_labels').columns(['dataset_id', 'name']).execute();

  await sampleColumns(datasetColumn(db.schema.createTable('samples').addColumn('id', 'text', (c) => c.primaryKey())))
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('samples_source').unique().on('samples').columns(['dataset_id', 'source']).execute();
  // The list order, whole and by state, so pages come off an index instead of a sort.
  await db.schema.createIndex('samples_by_time').on('samples').columns(['dataset_id', 'sample_time', 'id']).execute();
  await db.schema.createIndex('samples_by_state').on('samples').columns(['dataset_id', 'state', 'sample_time', 'id']).execute();

  await datasetColumn(db.schema.createTable('sample_label_index'))
    .addColumn('label_no', 'integer', (c) => c.notNull())
    .addColumn('sample_time', 'bigint', (c) => c.notNull())
    .addColumn('sample_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sample_label_index_pk', ['dataset_id', 'label_no', 'sample_time', 'sample_id'])
    .modifyEnd(keyed)
    .execute();

  await db.schema
    .createTable('sample_counters')
    .addColumn('dataset_id', 'text', (c) => c.primaryKey().references('datasets.id').onDelete('cascade'))
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('manual', 'bigint', (c) => c.notNull())
    .addColumn('auto', 'bigint', (c) => c.notNull())
    .addColumn('hard', 'bigint', (c) => c.notNull())
    .addColumn('multi_label', 'bigint', (c) => c.notNull())
    .addColumn('deleted', 'bigint', (c) => c.notNull())
    .addColumn('next_label_no', 'integer', (c) => c.notNull())
    .execute();

  await datasetColumn(db.schema.createTable('sample_metadata_counts'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sample_metadata_counts_pk', ['dataset_id', 'key', 'value'])
    .modifyEnd(keyed)
    .execute();

  await db.schema
    .createTable('sample_versions')
    .addColumn('version_id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('annotated', 'bigint', (c) => c.notNull())
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .execute();

  // A version's frozen samples, numbered (seq) in the list order of the moment they froze: the list
  // by version and the publish stream both page on the key alone. No dataset_id: the rows go with
  // their version (and so with the dataset); keyed, since every read is by version and seq.
  await sampleColumns(
    db.schema
      .createTable('version_samples')
      .addColumn('version_id', 'text', (c) => c.notNull().references('sample_versions.version_id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('sample_id', 'text', (c) => c.notNull()),
  )
    .addPrimaryKeyConstraint('version_samples_pk', ['version_id', 'seq'])
    .modifyEnd(keyed)
    .execute();

  await datasetColumn(db.schema.createTable('version_labels').addColumn('version_id', 'text', (c) => c.notNull()))
    .addColumn('label_no', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('property', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text')
    .addPrimaryKeyConstraint('version_labels_pk', ['version_id', 'label_no'])
    .execute();

  await datasetColumn(db.schema.createTable('dataset_metrics'))
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('manual', 'bigint', (c) => c.notNull())
    .addColumn('auto', 'bigint', (c) => c.notNull())
    .addColumn('unlabeled', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_metrics_pk', ['dataset_id', 'bucket'])
    .modifyEnd(keyed)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'dataset_metrics',
    'version_labels',
    'version_samples',
    'sample_versions',
    'sample_metadata_counts',
    'sample_counters',
    'sample_label_index',
    'samples',
    'dataset_labels',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
