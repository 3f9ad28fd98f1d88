// Wire objects of the sample, label, labeling and statistics APIs, named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { FreeMap } from '#src/core/request-bounds.ts';
import { LABEL_TYPES, SAMPLE_TYPES } from '#src/formats/dataset-types.ts';
import { PageOffset } from '#src/core/request-bounds.ts';
import { Label, LabelAttribute, LabelFormat, LabelProperty, MAX_LABELS, SchemaMap } from '#src/modules/datasets/index.ts';

export const IntEnum = <T extends readonly number[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'integer', enum: [...values], ...(description ? { description } : {}) });

export const DatasetParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
});
export const SampleParams = Type.Object({ ...DatasetParams.properties, sample_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const LabelParams = Type.Object({ ...DatasetParams.properties, label_name: Type.String({ minLength: 1, maxLength: 1024 }) });

export const SAMPLE_STATES = [
  '__ALL__',
  '__NONE__',
  '__UNCHECK__',
  '__ACCEPTED__',
  '__REJECTED__',
  '__UNREVIEWED__',
  '__REVIEWED__',
  '__WORKFORCE_SAMPLED__',
  '__WORKFORCE_SAMPLED_UNCHECK__',
  '__WORKFORCE_SAMPLED_CHECKED__',
  '__WORKFORCE_SAMPLED_ACCEPTED__',
  '__WORKFORCE_SAMPLED_REJECTED__',
  '__AUTO_ANNOTATION__',
] as const;
export type SampleStateFilter = (typeof SAMPLE_STATES)[number];
export const SampleStateQuery = StringEnum(SAMPLE_STATES, { description: 'Sample state filter' });

export const USAGES = ['TRAIN', 'EVAL', 'TEST', 'INFERENCE'] as const;

/** Character offsets in a text sample: a text line holds at most 16 Mi characters. */
const TEXT_INDEX_MAX = 16 * 1024 * 1024;

/** Labels on one sample (objects of a detection image, entities of a text, ...). */
export const MAX_SAMPLE_LABELS = 10_000;

/** Samples one batch request (#13, #14, #25) may name. */
export const MAX_UPLOAD_BATCH = 10_000;

const sampleLabelBounds = (description = `At most ${MAX_SAMPLE_LABELS} labels`) => ({ maxItems: MAX_SAMPLE_LABELS, description });

/** Attributes of a label on a sample; the @modelarts keys of the spec are typed, others pass. */
export const SampleLabelProperty = Type.Intersect([
  Type.Object({
    '@modelarts:content': Type.Optional(Type.String({ maxLength: 65536 })),
    '@modelarts:end_index': Type.Optional(Type.Integer({ minimum: 0, maximum: TEXT_INDEX_MAX })),
    '@modelarts:end_time': Type.Optional(Type.String({ maxLength: 64 })),
    '@modelarts:feature': Type.Optional(Type.Unknown({ description: 'Shape points, e.g. [[0,10],[50,95]] for a bndbox' })),
    '@modelarts:from': Type.Optional(Type.String({ maxLength: 1024 })),
    '@modelarts:hard': Type.Optional(Type.Unknown({ description: '0/false or 1/true' })),
    '@modelarts:hard_coefficient': Type.Optional(Type.Unknown({ description: 'Within [0,1]' })),
    '@modelarts:hard_reasons': Type.Optional(Type.String({ maxLength: 1024, description: 'Reason ids joined by "-", e.g. 3-20-21-19' })),
    '@modelarts:shape': Type.Optional(Type.String({ maxLength: 32, description: 'bndbox, polygon, circle, line, dashed, point or polyline' })),
    '@modelarts:source': Type.Optional(Type.String({ maxLength: 1024 })),
    '@modelarts:start_index': Type.Optional(Type.Integer({ minimum: 0, maximum: TEXT_INDEX_MAX })),
    '@modelarts:start_time': Type.Optional(Type.String({ maxLength: 64 })),
    '@modelarts:to': Type.Optional(Type.String({ maxLength: 1024 })),
  }),
  FreeMap(64),
]);

export const SampleLabel = Type.Object({
  annotated_by: Type.Optional(StringEnum(['human', 'auto'] as const)),
  id: Type.Optional(Type.String({ maxLength: 128 })),
  name: Type.Optional(Type.String({ maxLength: 1024 })),
  property: Type.Optional(SampleLabelProperty),
  score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  type: Type.Optional(IntEnum(LABEL_TYPES)),
});
export type SampleLabelInput = Static<typeof SampleLabel>;

export const SampleLabelResponse = Type.Object({
  annotated_by: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  name: Type.String(),
  property: Type.Record(Type.String(), Type.Unknown()),
  score: Type.Optional(Type.Number()),
  type: Type.Integer(),
});

export const SampleMetadata = Type.Intersect([
  Type.Object({
    '@modelarts:import_origin': Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    '@modelarts:hard': Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '0 or 1' })),
    '@modelarts:hard_coefficient': Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    '@modelarts:hard_reasons': Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 30 }), { maxItems: 31 })),
    '@modelarts:size': Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000 }), { minItems: 2, maxItems: 3, description: 'width, height[, depth]' }),
    ),
  }),
  FreeMap(64),
]);

export const SampleDataSource = Type.Object({
  data_path: Type.Optional(Type.String({ maxLength: 2048, description: 'Object path of the file, /bucket/dir/file' })),
  data_type: Type.Optional(IntEnum([0, 1, 2, 3, 4, 5, 6] as const, '0 OBS (the only type served here)')),
  schema_maps: Type.Optional(Type.Array(SchemaMap, { maxItems: 1000, description: 'At most 1,000 column mappings' })),
  source_info: Type.Optional(FreeMap(64)),
  with_column_header: Type.Optional(Type.Boolean()),
});

export const UploadSample = Type.Object({
  data: Type.Optional(Type.String({ maxLength: 16 * 1024 * 1024, description: 'The file content, base64 (a file takes at most 8 MB, the batch 8 MB in all)' })),
  data_source: Type.Optional(SampleDataSource),
  encoding: Type.Optional(StringEnum(['UTF-8', 'GBK', 'GB2312'] as const)),
  labels: Type.Optional(Type.Array(SampleLabel, sampleLabelBounds())),
  metadata: Type.Optional(SampleMetadata),
  name: Type.Optional(Type.String({ maxLength: 1024 })),
  sample_type: Type.Optional(IntEnum(SAMPLE_TYPES)),
});
export type UploadSample = Static<typeof UploadSample>;

export const UploadSamplesRequest = Type.Object({
  final_annotation: Type.Optional(Type.Boolean({ description: 'true (default): labels are final; false: they await confirmation' })),
  label_format: Type.Optional(LabelFormat),
  samples: Type.Optional(Type.Array(UploadSample, { maxItems: MAX_UPLOAD_BATCH, description: `At most ${MAX_UPLOAD_BATCH} samples` })),
});
export type UploadSamplesRequest = Static<typeof UploadSamplesRequest>;

export const UploadSampleResp = Type.Object({
  error_code: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String()),
  info: Type.Optional(Type.String({ description: 'The new sample id' })),
  name: Type.Optional(Type.String({ description: 'Object path of the sample file' })),
  success: Type.Boolean(),
});

export const UploadSamplesResponse = Type.Object({
  error_code: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String()),
  results: Type.Optional(Type.Array(UploadSampleResp)),
  success: Type.Boolean(),
});
export type UploadSamplesResponse = Static<typeof UploadSamplesResponse>;

export const BatchResponse = Type.Object({
  error_code: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String()),
  success: Type.Boolean(),
});

export const BatchResult = Type.Object({
  error_code: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String()),
  results: Type.Optional(Type.Array(BatchResponse)),
  success: Type.Boolean(),
});
export type BatchResult = Static<typeof BatchResult>;

export const DeleteSamplesRequest = Type.Object({
  delete_source: Type.Optional(Type.Boolean({ description: 'Also delete the files (not for text datasets)' })),
  samples: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_UPLOAD_BATCH, description: `At most ${MAX_UPLOAD_BATCH} sample ids` }),
  ),
});
export type DeleteSamplesRequest = Static<typeof DeleteSamplesRequest>;

export const ListSamplesQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256 })),
  high_score: Type.Optional(Type.String({ maxLength: 32, description: 'Upper confidence limit (default 1)' })),
  label_name: Type.Optional(Type.String({ maxLength: 1024 })),
  label_type: Type.Optional(IntEnum(LABEL_TYPES)),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  locale: Type.Optional(Type.String({ maxLength: 32 })),
  low_score: Type.Optional(Type.String({ maxLength: 32, description: 'Lower confidence limit (default 0)' })),
  offset: PageOffset,
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  preview: Type.Optional(Type.Boolean()),
  process_parameter: Type.Optional(Type.String({ maxLength: 256 })),
  sample_state: Type.Optional(SampleStateQuery),
  sample_type: Type.Optional(IntEnum(SAMPLE_TYPES)),
  search_conditions: Type.Optional(Type.String({ maxLength: 65536, description: 'JSON list of SearchCondition (URL-encoded)' })),
  version_id: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ListSamplesQuery = Static<typeof ListSamplesQuery>;

export const HardDetail = Type.Object({
  alo_name: Type.Optional(Type.String()),
  id: Type.Integer(),
  reason: Type.String(),
  suggestion: Type.String(),
});

export const DescribeSampleResp = Type.Object({
  hard_details: Type.Optional(Type.Record(Type.String(), HardDetail)),
  labels: Type.Array(SampleLabelResponse),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  sample_dir: Type.String(),
  sample_id: Type.String(),
  sample_name: Type.String(),
  sample_size: Type.Integer(),
  sample_status: Type.String(),
  sample_time: Type.Integer(),
  sample_type: Type.Integer(),
  source: Type.String(),
});
export type DescribeSampleResp = Static<typeof DescribeSampleResp>;

export const ListSamplesResponse = Type.Object({
  sample_count: Type.Integer(),
  samples: Type.Array(DescribeSampleResp),
});
export type ListSamplesResponse = Static<typeof ListSamplesResponse>;

export const DescribeSampleQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 32 })),
  sample_state: Type.Optional(SampleStateQuery),
  worker_id: Type.Optional(Type.String({ maxLength: 64 })),
});

export const LabelResponse = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute)),
  name: Type.String(),
  property: LabelProperty,
  type: Type.Integer(),
});
export type LabelResponse = Static<typeof LabelResponse>;

export const ListSearchResponse = Type.Object({
  labelers: Type.Array(Type.String()),
  labels: Type.Array(LabelResponse),
  metadata: Type.Record(Type.String(), Type.Array(Type.String())),
});
export type ListSearchResponse = Static<typeof ListSearchResponse>;

export const ListLabelsQuery = Type.Object({
  version_id: Type.Optional(Type.String({ maxLength: 64 })),
  offset: PageOffset,
  limit: Type.Integer({ minimum: 1, maximum: 100000, default: 100000 }),
});
export type ListLabelsQuery = Static<typeof ListLabelsQuery>;

export const ListLabelsResponse = Type.Object({
  labels: Type.Array(LabelResponse),
  total_number: Type.Integer(),
});
export type ListLabelsResponse = Static<typeof ListLabelsResponse>;

export const LabelsRequest = Type.Object({
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `At most ${MAX_LABELS} labels` })),
});
export type LabelsRequest = Static<typeof LabelsRequest>;

export const DeleteLabelsQuery = Type.Object({
  delete_policy: Type.Optional(IntEnum([0, 1, 2] as const, '0 label only; 1 also samples with only this label; 2 also their files')),
});

export const LabelNameQuery = Type.Object({ label_type: Type.Optional(IntEnum(LABEL_TYPES)) });

export const UpdateLabelRequest = Type.Object(
  {
    '@modelarts:color': Type.Optional(Type.String({ maxLength: 32 })),
    '@modelarts:rename_to': Type.Optional(Type.String({ maxLength: 1024 })),
    '@modelarts:shortcut': Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: true },
);
export type UpdateLabelRequest = Static<typeof UpdateLabelRequest>;

export const DeleteLabelQuery = Type.Object({
  delete_source: Type.Optional(Type.Boolean()),
  label_type: Type.Optional(IntEnum(LABEL_TYPES)),
});

export const SampleLabels = Type.Object({
  labels: Type.Optional(Type.Array(SampleLabel, sampleLabelBounds(`At most ${MAX_SAMPLE_LABELS} labels; none or an empty list unlabels the sample`))),
  metadata: Type.Optional(SampleMetadata),
  sample_id: Type.Optional(Type.String({ maxLength: 64 })),
  sample_type: Type.Optional(IntEnum(SAMPLE_TYPES)),
  sample_usage: Type.Optional(StringEnum(USAGES)),
  source: Type.Optional(Type.String({ maxLength: 2048 })),
  worker_id: Type.Optional(Type.String({ maxLength: 64 })),
});

export const UpdateSamplesRequest = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256 })),
  samples: Type.Optional(Type.Array(SampleLabels, { maxItems: MAX_UPLOAD_BATCH, description: `At most ${MAX_UPLOAD_BATCH} samples` })),
});
export type UpdateSamplesRequest = Static<typeof UpdateSamplesRequest>;

export const StatsQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256 })),
  locale: Type.Optional(Type.String({ maxLength: 32 })),
  sample_state: Type.Optional(SampleStateQuery),
});

export const LabelStats = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute)),
  count: Type.Integer(),
  name: Type.String(),
  property: LabelProperty,
  sample_count: Type.Integer(),
  type: Type.Integer(),
});

export const PairOfIntAndHardDetail = Type.Object({ key: Type.Integer(), value: HardDetail });

export const StatsResponse = Type.Object({
  data_path: Type.Optional(Type.String()),
  data_spliting_enable: Type.Boolean(),
  grouped_label_stats: Type.Record(Type.String(), Type.Array(LabelStats)),
  hard_detail_stats: Type.Record(Type.String(), PairOfIntAndHardDetail),
  key_sample_stats: Type.Record(Type.String(), Type.Integer()),
  label_stats: Type.Array(LabelStats),
  metadata_stats: Type.Record(Type.String(), Type.Unknown()),
  sample_stats: Type.Record(Type.String(), Type.Integer()),
});
export type StatsResponse = Static<typeof StatsResponse>;

/** The last millisecond of the year 9999. */
const MAX_EPOCH_MS = 253_402_300_799_999;

export const MetricsQuery = Type.Object({
  end_time: Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description: 'Epoch ms' }),
  start_time: Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description: 'Epoch ms' }),
  workforce_task_id: Type.Optional(Type.String({ maxLength: 64 })),
});

export const MetricsResponse = Type.Object({
  metrics: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
});
export type MetricsResponse = Static<typeof MetricsResponse>;
