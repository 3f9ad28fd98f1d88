// Wire objects of the dataset version APIs (#8-#11), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { IntCodes, ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { PageLimit, PageOffset } from '#src/core/request-bounds.ts';
import { LABEL_TYPE_TEXT } from './type-codes.ts';

export const VERSION_FORMATS = ['Default', 'CarbonData', 'CSV'] as const;
export type VersionFormat = (typeof VERSION_FORMATS)[number];

/** Version status of the spec: 0 creating, 1 normal ("running" in the tables), 2 deleting, 3 deleted, 4 error. */
export const VersionStatus = { creating: 0, normal: 1, deleting: 2, deleted: 3, error: 4 } as const;

const VERSION_FORMAT_MEANINGS = {
  Default: 'a manifest of the samples',
  CarbonData: 'not produced here (a 400)',
  CSV: 'table datasets: also one CSV of the rows of every sample file',
};

export const LabelStats = Type.Object({
  attributes: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: "The label's attributes" })),
  count: Type.Integer({ description: 'Annotations with this label in the version' }),
  name: Type.String({ description: 'Label name' }),
  property: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The label's properties (@modelarts:color, ...)" })),
  sample_count: Type.Integer({ description: 'Samples of the version carrying the label' }),
  type: Type.Integer({ description: LABEL_TYPE_TEXT }),
});

/** The DatasetVersion object (fields this server can state truthfully). */
export const DatasetVersion = Type.Object({
  analysis_status: Type.Integer({ description: 'Feature analysis: 0 initialized, 1 running, 2 completed, 3 failed; always 0 here (none is run)' }),
  annotated_sample_count: Type.Integer({ description: 'Labeled samples in the version (0 until published)' }),
  annotated_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples' }),
  clear_hard_property: Type.Boolean({ description: 'Whether hard-example marks were left out of the manifest' }),
  create_time: Type.Integer({ description: 'When publishing was asked for, ms since epoch' }),
  data_path: Type.Optional(Type.String({ description: "The version's data folder (exported samples, the CSV); set once published" })),
  description: Type.String({ description: 'Version description (empty when none)' }),
  export_images: Type.Boolean({ description: "Whether the sample files were copied into the version's data folder" }),
  extract_serial_number: Type.Boolean({ description: 'Always false: sub-sample numbers are not parsed here' }),
  is_current: Type.Boolean({ description: "Whether this is the dataset's current version" }),
  label_stats: Type.Optional(Type.Array(LabelStats, { description: 'Per label: its annotations and samples in the version; set once published' })),
  label_type: Type.Optional(
    StringCodes(
      ['multi', 'single'] as const,
      { multi: 'some sample has more than one label', single: 'no sample has more than one label' },
      'Labels per sample, set once published',
    ),
  ),
  manifest_path: Type.Optional(
    Type.String({ description: "The version's manifest (JSON Lines), /bucket/.../<dataset>-<version>.manifest; set once published" }),
  ),
  message: Type.Optional(Type.String({ description: 'Why publishing failed (status 4)' })),
  previous_annotated_sample_count: Type.Optional(Type.Integer({ description: 'Labeled samples of the previous version' })),
  previous_total_sample_count: Type.Optional(Type.Integer({ description: 'Samples of the previous version' })),
  previous_version_id: Type.Optional(Type.String({ description: 'The version that was current when this one was published' })),
  remove_sample_usage: Type.Boolean({ description: 'Whether every labeled sample was split into TRAIN/EVAL anew (false: samples kept their usage)' }),
  status: Type.Integer({
    description: 'Version status. 0: creating (being published); 1: normal; 2: deleting; 4: error (see message); 3 (deleted) does not occur here',
  }),
  tags: Type.Array(Type.String(), { description: 'The dataset\'s tags, e.g. ["Image", "Object detection"]' }),
  task_type: Type.Integer({ description: 'The dataset type the version was published from' }),
  total_sample_count: Type.Integer({ description: 'Samples in the version (0 until published)' }),
  total_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples' }),
  train_evaluate_sample_ratio: Type.String({ description: 'Share of labeled samples marked TRAIN (the rest EVAL), as requested; "1.00" by default' }),
  update_time: Type.Integer({ description: 'Last change of the version, ms since epoch' }),
  version_format: StringCodes(VERSION_FORMATS, VERSION_FORMAT_MEANINGS, 'Version format'),
  version_id: Type.String({ description: 'Version ID' }),
  version_name: Type.String({ description: 'Version name, e.g. V001' }),
  with_column_header: Type.Optional(Type.Boolean({ description: 'Table datasets: whether the CSV starts with the column names' })),
});
export type DatasetVersion = Static<typeof DatasetVersion>;

/** A ratio 0..1 written as a decimal, e.g. "0.8" or "1.00". */
export const RATIO_PATTERN = '^\\s*(0(\\.\\d+)?|1(\\.0+)?|\\.\\d+)\\s*$';

export const CreateDatasetVersionRequest = Type.Object({
  clear_hard_property: Type.Optional(Type.Boolean({ description: 'Leave hard-example marks out of the manifest (default true)' })),
  description: Type.Optional(
    Type.String({ maxLength: 256, pattern: '^[^!<>=&"\']*$', description: 'Version description without ! < > = & " \' (default empty)' }),
  ),
  export_images: Type.Optional(Type.Boolean({ description: 'Copy the sample files into the version folder (default false)' })),
  remove_sample_usage: Type.Optional(Type.Boolean({ description: 'Reassign TRAIN/EVAL usage by the ratio (default true)' })),
  train_evaluate_sample_ratio: Type.Optional(
    Type.String({
      pattern: RATIO_PATTERN,
      description: 'Share of labeled samples used for training, 0..1 (default 1.00); below 1 only for dataset types 0, 1, 100 and 200',
    }),
  ),
  version_format: Type.Optional(StringCodes(VERSION_FORMATS, VERSION_FORMAT_MEANINGS, 'Version format (default Default; CSV for table datasets only)')),
  version_name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Version name, unique in the dataset: letters, digits, _ and - (default the next free V001, V002, ...)',
    }),
  ),
  with_column_header: Type.Optional(Type.Boolean({ description: 'CSV: write the column names first (default true)' })),
});
export type CreateDatasetVersionRequest = Static<typeof CreateDatasetVersionRequest>;

export const CreateDatasetVersionResponse = Type.Object({
  version_id: Type.String({ description: 'ID of the new version; it is published in the background (status 0 until done)' }),
});

export const VersionParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  version_id: Type.String({ minLength: 1, maxLength: 64, description: 'Version ID' }),
});

/** "min,max", each 0..1, e.g. "0.0,1.0". */
export const RATIO_RANGE_PATTERN = '^\\s*(0(\\.\\d+)?|1(\\.0+)?)\\s*,\\s*(0(\\.\\d+)?|1(\\.0+)?)\\s*$';

export const ListDatasetVersionsQuery = Type.Object({
  status: Type.Optional(
    IntCodes(
      [0, 1, 2, 3, 4] as const,
      { 0: 'creating (being published)', 1: 'normal', 2: 'deleting', 3: 'deleted (never listed: a deleted version is gone)', 4: 'error' },
      'Only versions in this status',
    ),
  ),
  train_evaluate_ratio: Type.Optional(
    Type.String({ pattern: RATIO_RANGE_PATTERN, description: 'Only versions whose training share lies in "min,max" (each 0..1, e.g. 0.0,1.0)' }),
  ),
  version_format: Type.Optional(
    IntCodes([0, 1, 2] as const, { 0: 'Default', 1: 'CarbonData (never produced here)', 2: 'CSV' }, 'Only versions of this format'),
  ),
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
});
export type ListDatasetVersionsQuery = Static<typeof ListDatasetVersionsQuery>;

export const ListDatasetVersionsResponse = Type.Object({
  total_number: Type.Integer({ description: 'Versions matching the filters, on all pages' }),
  versions: Type.Array(DatasetVersion, { description: 'This page of versions, newest first' }),
});
