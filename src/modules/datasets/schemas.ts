// Wire objects of the dataset management APIs (#1-#5), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { FreeMap } from '#src/core/request-bounds.ts';
import { DATASET_TYPES, LABEL_TYPES } from '#src/formats/dataset-types.ts';
import { PageOffset } from '#src/core/request-bounds.ts';
import { DatasetVersion, RATIO_RANGE_PATTERN } from './version-schemas.ts';

/** Labels one request may name (a dataset's label list, its additions, changes or deletions). */
export const MAX_LABELS = 10_000;

/** The spec forbids these characters in descriptions: ^ ! < > = & " ' */
export const DESCRIPTION_PATTERN = '^[^\\^!<>=&"\']*$';

const IntEnum = <T extends readonly number[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'integer', enum: [...values], ...(description ? { description } : {}) });

export const LabelAttributeValue = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 64 })),
  value: Type.Optional(Type.String({ maxLength: 256 })),
});

export const LabelAttribute = Type.Object({
  default_value: Type.Optional(Type.String({ maxLength: 256 })),
  id: Type.Optional(Type.String({ maxLength: 64 })),
  name: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(StringEnum(['text', 'select'] as const)),
  values: Type.Optional(Type.Array(LabelAttributeValue, { maxItems: 1000, description: 'At most 1,000 values' })),
});

/** Key-value pairs such as @modelarts:color, @modelarts:shortcut, @modelarts:from_type. */
export const LabelProperty = FreeMap(64, 'Label properties');

export const Label = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute, { maxItems: 100, description: 'At most 100 attributes' })),
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Label name (1-32 letters, digits, _ or -)' })),
  property: Type.Optional(LabelProperty),
  type: Type.Optional(IntEnum(LABEL_TYPES, 'Label type; defaults to the type of the dataset')),
});
export type Label = Static<typeof Label>;

export const SchemaMap = Type.Object({
  dest_name: Type.Optional(Type.String({ maxLength: 256 })),
  src_name: Type.Optional(Type.String({ maxLength: 256 })),
});

/** Connection details of non-OBS sources; accepted on input, never stored or returned (it holds passwords). */
export const SourceInfo = FreeMap(64);

export const DataSource = Type.Object({
  data_path: Type.Optional(Type.String({ maxLength: 1024, description: 'Input folder, /bucket/dir/' })),
  data_type: Type.Optional(IntEnum([0, 1, 2, 3, 4, 5, 6] as const, '0 OBS (the only type served here)')),
  schema_maps: Type.Optional(Type.Array(SchemaMap, { maxItems: 1000, description: 'At most 1,000 column mappings' })),
  source_info: Type.Optional(SourceInfo),
  with_column_header: Type.Optional(Type.Boolean()),
});
export type DataSource = Static<typeof DataSource>;

export const DataSourceResponse = Type.Object({
  data_path: Type.Optional(Type.String()),
  data_type: Type.Integer(),
  schema_maps: Type.Optional(Type.Array(SchemaMap)),
  with_column_header: Type.Optional(Type.Boolean()),
});

export const LabelFormat = Type.Object({
  label_type: Type.Optional(StringEnum(['0', '1'] as const)),
  text_label_separator: Type.Optional(Type.String({ maxLength: 8 })),
  text_sample_separator: Type.Optional(Type.String({ maxLength: 8 })),
});
export type LabelFormat = Static<typeof LabelFormat>;

export const Field = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 256 })),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  schema_id: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
});

export const WorkforceInformation = FreeMap(64);

export const CreateDatasetRequest = Type.Object({
  data_format: Type.Optional(StringEnum(['Default', 'CarbonData'] as const)),
  data_sources: Type.Array(DataSource, { minItems: 1, maxItems: 1, description: 'One data source per request' }),
  dataset_name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\p{L}\\p{N}_-]+$', description: 'Letters, digits, _ and -' }),
  dataset_type: Type.Optional(IntEnum(DATASET_TYPES, 'Dataset type (default 0, image classification)')),
  description: Type.Optional(Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN })),
  import_annotations: Type.Optional(Type.Boolean({ description: 'Import labels found beside the files (default true)' })),
  import_data: Type.Optional(Type.Boolean({ description: 'Table datasets: import the data at creation (default false)' })),
  label_format: Type.Optional(LabelFormat),
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `At most ${MAX_LABELS} labels` })),
  managed: Type.Optional(Type.Boolean()),
  schema: Type.Optional(Type.Array(Field, { maxItems: 10000, description: 'Table datasets: at most 10,000 columns' })),
  // The 3..700 character rule is checked by the service (ModelArts.4350 for too long).
  work_path: Type.String({ maxLength: 4096, description: 'Output folder, /bucket/dir/' }),
  work_path_type: IntEnum([0] as const, '0: OBS'),
  workforce_information: Type.Optional(WorkforceInformation),
  workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type CreateDatasetRequest = Static<typeof CreateDatasetRequest>;

export const CreateDatasetResponse = Type.Object({
  dataset_id: Type.String(),
  import_task_id: Type.Optional(Type.String()),
});

export const DatasetIdParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64 }),
});

// Not in the ModelArts spec (which always keeps the files): Atelier can also remove the dataset's own
// folder under its work path (<work_path>/<name>-<id>/: versions, annotations, logs) when asked.
export const DeleteDatasetQuery = Type.Object({
  delete_work_path: Type.Optional(Type.Boolean({ default: false, description: "Also delete the dataset's folder under its work path (Atelier extension)" })),
});

const RUNNING_TASK_TYPES = [0, 1, 2, 3, 4, 5, 6, 7] as const;

export const DescDatasetQuery = Type.Object({
  check_running_task: Type.Optional(Type.Boolean({ description: 'Accepted; running tasks are always reported' })),
  running_task_type: Type.Optional(IntEnum(RUNNING_TASK_TYPES)),
});
export type DescDatasetQuery = Static<typeof DescDatasetQuery>;

export const ListDatasetsQuery = Type.Object({
  check_running_task: Type.Optional(Type.Boolean({ description: 'Accepted; running tasks are always reported' })),
  contain_versions: Type.Optional(Type.Boolean()),
  dataset_type: Type.Optional(IntEnum(DATASET_TYPES)),
  file_preview: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  offset: PageOffset,
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  running_task_type: Type.Optional(IntEnum(RUNNING_TASK_TYPES)),
  search_content: Type.Optional(Type.String({ maxLength: 256 })),
  sort_by: Type.Optional(StringEnum(['create_time', 'dataset_name'] as const)),
  support_export: Type.Optional(Type.Boolean()),
  train_evaluate_ratio: Type.Optional(Type.String({ pattern: RATIO_RANGE_PATTERN })),
  version_format: Type.Optional(IntEnum([0, 1, 2] as const)),
  with_labels: Type.Optional(Type.Boolean()),
  workspace_id: Type.Optional(Type.String({ maxLength: 64 })),
  dataset_version: Type.Optional(StringEnum(['v1', 'v2', 'all'] as const)),
});
export type ListDatasetsQuery = Static<typeof ListDatasetsQuery>;

export const LabelResponse = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute)),
  name: Type.String(),
  property: Type.Optional(LabelProperty),
  type: Type.Integer(),
});

/** A preview sample of the list (file_preview=true). */
export const AnnotationFile = Type.Object({
  create_time: Type.Integer(),
  dataset_id: Type.String(),
  depth: Type.Optional(Type.Integer()),
  file_Name: Type.String(),
  file_id: Type.String(),
  height: Type.Optional(Type.Integer()),
  size: Type.Integer(),
  url: Type.String({ description: 'Signed, expiring URL of the sample file, served by Atelier' }),
  width: Type.Optional(Type.Integer()),
});
export type AnnotationFile = Static<typeof AnnotationFile>;

/** The dataset object of the list and details answers (fields this server can state truthfully). */
export const DatasetResponse = Type.Object({
  annotated_sample_count: Type.Integer(),
  annotated_sub_sample_count: Type.Integer(),
  content_labeling: Type.Boolean({ description: 'Speech paragraph labeling: whether labels carry the spoken content' }),
  create_time: Type.Integer(),
  current_version_id: Type.Optional(Type.String()),
  current_version_name: Type.Optional(Type.String()),
  data_format: Type.String(),
  data_sources: Type.Array(DataSourceResponse),
  data_update_time: Type.Integer(),
  dataset_format: Type.Integer(),
  dataset_id: Type.String(),
  dataset_name: Type.String(),
  dataset_tags: Type.Array(Type.String()),
  dataset_type: Type.Integer(),
  dataset_version_count: Type.Integer(),
  description: Type.String(),
  enterprise_project_id: Type.String(),
  exist_running_task: Type.Boolean(),
  exist_workforce_task: Type.Boolean(),
  feature_supports: Type.Array(Type.String(), { description: '"0": the size of the files is limited' }),
  import_data: Type.Boolean(),
  import_task_id: Type.Optional(Type.String()),
  inner_annotation_path: Type.String(),
  inner_data_path: Type.String(),
  inner_log_path: Type.String(),
  inner_task_path: Type.String(),
  inner_temp_path: Type.String(),
  inner_work_path: Type.String(),
  label_task_count: Type.Integer({ description: 'Labeling tasks of the dataset (team labeling tasks)' }),
  labels: Type.Optional(Type.Array(LabelResponse)),
  managed: Type.Boolean(),
  next_version_num: Type.Integer(),
  running_tasks_id: Type.Array(Type.String()),
  samples: Type.Optional(Type.Array(AnnotationFile)),
  schema: Type.Optional(Type.Array(Field)),
  status: Type.Integer(),
  total_sample_count: Type.Integer(),
  total_sub_sample_count: Type.Integer(),
  unconfirmed_sample_count: Type.Integer(),
  update_time: Type.Integer(),
  versions: Type.Optional(Type.Array(DatasetVersion)),
  work_path: Type.String(),
  work_path_type: Type.Integer(),
  workforce_task_count: Type.Integer(),
  workspace_id: Type.String(),
});
export type DatasetResponse = Static<typeof DatasetResponse>;

export const ListDatasetsResponse = Type.Object({
  datasets: Type.Array(DatasetResponse),
  total_number: Type.Integer(),
});

export const UpdateDatasetRequest = Type.Object({
  add_labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `At most ${MAX_LABELS} labels` })),
  current_version_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  dataset_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\p{L}\\p{N}_-]+$' })),
  delete_labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `At most ${MAX_LABELS} labels` })),
  description: Type.Optional(Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN })),
  update_labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `At most ${MAX_LABELS} labels` })),
});
export type UpdateDatasetRequest = Static<typeof UpdateDatasetRequest>;

export const UpdateDatasetResponse = Type.Object({ dataset_id: Type.String() });
