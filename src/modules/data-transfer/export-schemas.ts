// Wire objects of the export task APIs (#57-#59), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { IntCodes, ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';
import { ListOf, PageLimit, PageOffset } from '#src/core/request-bounds.ts';
import { LABEL_TYPE_MEANINGS, LABEL_TYPES } from '#src/formats/dataset-types.ts';
import { SAMPLE_STATES } from '#src/modules/samples/index.ts';

export const EXPORT_STATUSES = ['INIT', 'RUNNING', 'FAILED', 'SUCCESSED'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** export_type: which samples go. */
export const ExportType = { labeled: 0, unlabeled: 1, all: 2, search: 3 } as const;
const EXPORT_TYPE_MEANINGS = {
  0: 'labeled samples (final labels)',
  1: 'unlabeled samples',
  2: 'every sample',
  3: 'the samples export_params chooses (sample ids, sample state, search conditions); all when it chooses none',
};
const exportTypeField = (lead: string) => IntCodes([0, 1, 2, 3] as const, EXPORT_TYPE_MEANINGS, lead);

/** export_format: the folder layout; without it a manifest is written. */
const EXPORT_FORMAT_MEANINGS = {
  1: 'tree: the sample files copied into a folder per label (image classification), e.g. cats/1.jpg',
  2: 'tile: the sample files copied side by side, each with its label file of the same stem (.txt for image classification, PASCAL VOC .xml for object detection); text classification samples as lines of one text file, the labels after a tab',
};
const exportFormatField = (lead: string) => IntCodes([1, 2] as const, EXPORT_FORMAT_MEANINGS, lead);

const EXPORT_SAMPLE_STATES = ['', ...SAMPLE_STATES] as const;
const SAMPLE_STATE_MEANINGS: Record<(typeof EXPORT_SAMPLE_STATES)[number], string> = {
  '': 'any state',
  __ALL__: 'labeled, labels final',
  __NONE__: 'unlabeled',
  __UNCHECK__: 'team labeling awaiting acceptance (no sample here)',
  __ACCEPTED__: 'team labeling accepted (no sample here)',
  __REJECTED__: 'team labeling rejected (no sample here)',
  __UNREVIEWED__: 'team labeling awaiting review (no sample here)',
  __REVIEWED__: 'team labeling reviewed (no sample here)',
  __WORKFORCE_SAMPLED__: 'drawn for acceptance checking (no sample here)',
  __WORKFORCE_SAMPLED_UNCHECK__: 'drawn, not checked (no sample here)',
  __WORKFORCE_SAMPLED_CHECKED__: 'drawn, checked (no sample here)',
  __WORKFORCE_SAMPLED_ACCEPTED__: 'drawn, accepted (no sample here)',
  __WORKFORCE_SAMPLED_REJECTED__: 'drawn, rejected (no sample here)',
  __AUTO_ANNOTATION__: 'auto-labeled, awaiting confirmation',
};
const sampleStateField = (lead: string) => StringCodes(EXPORT_SAMPLE_STATES, SAMPLE_STATE_MEANINGS, lead);

const Op = (lead: string) => StringCodes(['AND', 'OR'] as const, { AND: 'all must hold', OR: 'any may hold' }, lead);
const ValueList = ListOf(Type.String({ maxLength: 1024 }), 1000, 'Values; any of them matches');

export const ExportSearchLabel = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1024, description: 'Label name; without it, any label (of `type` when given)' })),
    op: Type.Optional(Op('How the property keys combine (default AND)')),
    property: Type.Optional(
      Type.Record(Type.String({ maxLength: 256 }), Type.Union([ValueList, Type.Null()]), {
        maxProperties: 100,
        description: 'Label property keys and the values to match; null: the key is present. At most 100 keys',
      }),
    ),
    type: Type.Optional(IntCodes(LABEL_TYPES, LABEL_TYPE_MEANINGS, 'Only labels of this type')),
  },
  { description: 'One label to look for' },
);

export const ExportSearchLabels = Type.Object(
  {
    labels: Type.Optional(ListOf(ExportSearchLabel, 100, 'Labels to look for')),
    op: Type.Optional(Op('How the labels combine (default OR)')),
  },
  { description: 'Label criteria' },
);

export const ExportSearchProp = Type.Object(
  {
    op: Type.Optional(Op('How the keys combine (default AND)')),
    props: Type.Optional(
      Type.Record(Type.String({ maxLength: 256 }), ValueList, {
        maxProperties: 100,
        description: 'Sample attribute keys and the values to match. At most 100 keys',
      }),
    ),
  },
  { description: 'Sample attribute criteria' },
);

const RangeText = (lead: string) => Type.String({ maxLength: 64, description: `${lead}: "low-high" or "low" within [0,1]` });
const Unserved = (what: string) => Type.String({ maxLength: 64, description: `${what}: no sample here has it, so giving it is refused` });

export const ExportSearchCondition = Type.Object(
  {
    coefficient: Type.Optional(RangeText('Hard example coefficient')),
    frame_in_video: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Video frame: no sample here has one, so giving it is refused' }),
    ),
    hard: Type.Optional(StringCodes(['0', '1'] as const, { 0: 'not a hard example', 1: 'a hard example' }, 'Hard example mark')),
    import_origin: Type.Optional(Type.String({ maxLength: 64, description: 'Where the sample came from (its @modelarts:import_origin attribute)' })),
    kvp: Type.Optional(Unserved('CT dose')),
    label_list: Type.Optional(ExportSearchLabels),
    labeler: Type.Optional(Type.String({ maxLength: 256, description: 'Who labeled the sample' })),
    metadata: Type.Optional(ExportSearchProp),
    parent_sample_id: Type.Optional(Unserved('Parent sample')),
    sample_dir: Type.Optional(Type.String({ maxLength: 2048, description: 'The folder holding the sample file, ending with / (not recursive)' })),
    sample_name: Type.Optional(Type.String({ maxLength: 1024, description: 'The sample file name, with its extension' })),
    sample_time: Type.Optional(
      Type.String({ maxLength: 64, description: 'When the file was last changed: month, day, or yyyyMMdd-yyyyMMdd (at most 30 days)' }),
    ),
    score: Type.Optional(RangeText('Highest label confidence')),
    slice_thickness: Type.Optional(Unserved('DICOM slice thickness')),
    study_date: Type.Optional(Unserved('DICOM study date')),
    time_in_video: Type.Optional(Unserved('Video time point')),
  },
  { description: 'A search condition: every field given must hold' },
);

export const ExportParams = Type.Object(
  {
    clear_hard_property: Type.Optional(Type.Boolean({ description: 'Leave hard example marks out of the manifest (default true)' })),
    export_dataset_version_format: Type.Optional(Type.String({ maxLength: 64, description: 'Kept as given: exports write no version' })),
    export_dataset_version_name: Type.Optional(Type.String({ maxLength: 64, description: 'Kept as given: exports write no version' })),
    export_dest: Type.Optional(
      StringCodes(
        ['DIR', 'NEW_DATASET'] as const,
        {
          DIR: 'to the OBS folder `path` (the default)',
          NEW_DATASET:
            'to `path` with the sample files copied (as tiles unless export_format says otherwise), then a new dataset of the project is created with `path` as its input',
        },
        'Destination',
      ),
    ),
    export_new_dataset_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '^[\\p{L}\\p{N}_-]+$',
        description: 'NEW_DATASET (required there): name of the dataset created, unique in the project: letters, digits, _ and -',
      }),
    ),
    export_new_dataset_work_path: Type.Optional(
      Type.String({ maxLength: 1024, description: "NEW_DATASET (required there): the new dataset's output folder, /bucket/dir/, outside `path`" }),
    ),
    ratio_sample_usage: Type.Optional(Type.Boolean({ description: 'Kept as given: samples keep their own usage in the manifest' })),
    sample_state: Type.Optional(sampleStateField('Only samples in this state (export_type 3)')),
    samples: Type.Optional(ListOf(Type.String({ minLength: 1, maxLength: 64 }), 10_000, 'Only these sample IDs (export_type 3)')),
    search_conditions: Type.Optional(ListOf(ExportSearchCondition, 100, 'Samples matching any of these conditions (export_type 3)')),
    train_sample_ratio: Type.Optional(Type.String({ maxLength: 16, description: 'Kept as given: samples keep their own usage in the manifest' })),
  },
  { description: 'What to export and where' },
);
export type ExportParams = Static<typeof ExportParams>;

export const ExportTaskRequest = Type.Object({
  annotation_format: Type.Optional(
    StringCodes(
      ['VOC', 'COCO'] as const,
      {
        VOC: 'PASCAL VOC XML beside each image (the default for object detection)',
        COCO: 'object detection only: the images copied as tiles and one COCO instances document, <path>coco-<task_id>.json, with every box and polygon',
      },
      'Label file format',
    ),
  ),
  export_format: Type.Optional(exportFormatField('Folder layout with the sample files copied; without it, one manifest naming the files where they are')),
  export_params: Type.Optional(ExportParams),
  export_type: Type.Optional(exportTypeField('Which samples to export (default 2)')),
  path: Type.Optional(Type.String({ maxLength: 1024, description: 'The OBS folder to write to, /bucket/dir/: required; not inside the dataset’s input' })),
  sample_state: Type.Optional(sampleStateField('Only samples in this state')),
  source_type_header: Type.Optional(
    StringEnum(['obs://', 's3://'] as const, {
      description: 'Scheme of the file paths written in the manifest: obs:// (the default) or s3:// (what training reads)',
    }),
  ),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Ignored: the server sets the status' })),
  task_id: Type.Optional(Type.String({ maxLength: 128, description: 'Ignored: the server names the task' })),
  version_format: Type.Optional(
    StringCodes(
      ['Default', 'CarbonData', 'CSV'] as const,
      { Default: 'manifest (the only one served)', CarbonData: 'refused', CSV: 'refused' },
      'Export format',
    ),
  ),
  version_id: Type.Optional(Type.String({ maxLength: 64, description: 'Export a published version of the dataset instead of its current samples' })),
  with_column_header: Type.Optional(Type.Boolean({ description: 'Table datasets only; ignored: exports write no CSV' })),
});
export type ExportTaskRequest = Static<typeof ExportTaskRequest>;

export const ExportTaskParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  resource_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  task_id: Type.String({ minLength: 1, maxLength: 128, description: 'Export task ID' }),
});

export const ListExportTasksQuery = Type.Object({
  export_type: Type.Optional(exportTypeField('Only tasks of this export type')),
  limit: PageLimit(100, 10),
  offset: PageOffset,
});
export type ListExportTasksQuery = Static<typeof ListExportTasksQuery>;

export const ExportTaskStatusResp = Type.Object({
  create_time: Type.Integer({ description: 'When the task was created, ms since epoch' }),
  error_code: Type.Optional(Type.String({ description: 'Why it failed (FAILED only)' })),
  error_msg: Type.Optional(Type.String({ description: 'Why it failed, in words (FAILED only)' })),
  export_format: Type.Optional(exportFormatField('Folder layout; absent for a manifest')),
  export_params: ExportParams,
  export_type: exportTypeField('Which samples were exported'),
  finished_sample_count: Type.Integer({ description: 'Samples written so far' }),
  path: Type.String({ description: 'The OBS folder written to; a manifest export writes <path><task_id>.manifest there' }),
  progress: Type.Number({ description: 'Percent done, 0 to 100' }),
  status: StringCodes(
    EXPORT_STATUSES,
    { INIT: 'queued', RUNNING: 'writing', FAILED: 'stopped (see error_msg); files written so far are removed', SUCCESSED: 'done' },
    'Task status',
  ),
  task_id: Type.String({ description: 'Export task ID' }),
  total_sample_count: Type.Integer({ description: 'Samples chosen for export' }),
  update_time: Type.Integer({ description: 'Last change of the task, ms since epoch' }),
  version_format: StringCodes(['Default'] as const, { Default: 'manifest or folder layout' }, 'Export format'),
  version_id: Type.Optional(Type.String({ description: 'The version exported, when one was' })),
});
export type ExportTaskStatusResp = Static<typeof ExportTaskStatusResp>;

export const ListExportTasksResponse = Type.Object({
  export_tasks: Type.Array(ExportTaskStatusResp, { description: 'This page of export tasks, newest first' }),
  total_count: Type.Integer({ description: 'Export tasks of the dataset (of export_type when given), on all pages' }),
});
export type ListExportTasksResponse = Static<typeof ListExportTasksResponse>;
