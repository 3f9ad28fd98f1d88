// Wire objects of the dataset version APIs (#8-#11), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { PageOffset } from '#src/core/request-bounds.ts';

export const VERSION_FORMATS = ['Default', 'CarbonData', 'CSV'] as const;
export type VersionFormat = (typeof VERSION_FORMATS)[number];

/** Version status of the spec: 0 creating, 1 normal ("running" in the tables), 2 deleting, 3 deleted, 4 error. */
export const VersionStatus = { creating: 0, normal: 1, deleting: 2, deleted: 3, error: 4 } as const;

export const LabelStats = Type.Object({
  attributes: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  count: Type.Integer(),
  name: Type.String(),
  property: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  sample_count: Type.Integer(),
  type: Type.Integer(),
});

/** The DatasetVersion object (fields this server can state truthfully). */
export const DatasetVersion = Type.Object({
  analysis_status: Type.Integer({ description: 'Feature analysis: 0 initialized, 1 running, 2 completed, 3 failed' }),
  annotated_sample_count: Type.Integer(),
  annotated_sub_sample_count: Type.Integer(),
  clear_hard_property: Type.Boolean(),
  create_time: Type.Integer(),
  data_path: Type.Optional(Type.String({ description: "The version's data folder (exported samples, the CSV); set once published" })),
  description: Type.String(),
  export_images: Type.Boolean(),
  extract_serial_number: Type.Boolean(),
  is_current: Type.Boolean(),
  label_stats: Type.Optional(Type.Array(LabelStats)),
  label_type: Type.Optional(StringEnum(['multi', 'single'] as const)),
  manifest_path: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  previous_annotated_sample_count: Type.Optional(Type.Integer()),
  previous_total_sample_count: Type.Optional(Type.Integer()),
  previous_version_id: Type.Optional(Type.String()),
  remove_sample_usage: Type.Boolean(),
  status: Type.Integer(),
  tags: Type.Array(Type.String()),
  task_type: Type.Integer(),
  total_sample_count: Type.Integer(),
  total_sub_sample_count: Type.Integer(),
  train_evaluate_sample_ratio: Type.String(),
  update_time: Type.Integer(),
  version_format: StringEnum(VERSION_FORMATS),
  version_id: Type.String(),
  version_name: Type.String(),
  with_column_header: Type.Optional(Type.Boolean()),
});
export type DatasetVersion = Static<typeof DatasetVersion>;

/** A ratio 0..1 written as a decimal, e.g. "0.8" or "1.00". */
export const RATIO_PATTERN = '^\\s*(0(\\.\\d+)?|1(\\.0+)?|\\.\\d+)\\s*$';

export const CreateDatasetVersionRequest = Type.Object({
  clear_hard_property: Type.Optional(Type.Boolean({ description: 'Leave hard-example marks out of the manifest (default true)' })),
  description: Type.Optional(Type.String({ maxLength: 256, pattern: '^[^!<>=&"\']*$' })),
  export_images: Type.Optional(Type.Boolean({ description: 'Copy the sample files into the version folder (default false)' })),
  remove_sample_usage: Type.Optional(Type.Boolean({ description: 'Reassign TRAIN/EVAL usage by the ratio (default true)' })),
  train_evaluate_sample_ratio: Type.Optional(
    Type.String({ pattern: RATIO_PATTERN, description: 'Share of labeled samples used for training, 0..1 (default 1.00)' }),
  ),
  version_format: Type.Optional(StringEnum(VERSION_FORMATS)),
  version_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  with_column_header: Type.Optional(Type.Boolean({ description: 'CSV: write the column names first (default true)' })),
});
export type CreateDatasetVersionRequest = Static<typeof CreateDatasetVersionRequest>;

export const CreateDatasetVersionResponse = Type.Object({ version_id: Type.String() });

export const VersionParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64 }),
  version_id: Type.String({ minLength: 1, maxLength: 64 }),
});

/** "min,max", each 0..1, e.g. "0.0,1.0". */
export const RATIO_RANGE_PATTERN = '^\\s*(0(\\.\\d+)?|1(\\.0+)?)\\s*,\\s*(0(\\.\\d+)?|1(\\.0+)?)\\s*$';

export const ListDatasetVersionsQuery = Type.Object({
  status: Type.Optional(Type.Unsafe<number>({ type: 'integer', enum: [0, 1, 2, 3, 4] })),
  train_evaluate_ratio: Type.Optional(Type.String({ pattern: RATIO_RANGE_PATTERN, description: '"min,max", e.g. 0.0,1.0' })),
  version_format: Type.Optional(Type.Unsafe<0 | 1 | 2>({ type: 'integer', enum: [0, 1, 2], description: '0 Default, 1 CarbonData, 2 CSV' })),
  offset: PageOffset,
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }),
});
export type ListDatasetVersionsQuery = Static<typeof ListDatasetVersionsQuery>;

export const ListDatasetVersionsResponse = Type.Object({
  total_number: Type.Integer(),
  versions: Type.Array(DatasetVersion),
});
