// Wire objects of the sample, label, labeling and statistics APIs, named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { IntCodes, StringCodes, meaningsText } from '#src/core/schemas.ts';
import { FreeMap } from '#src/core/request-bounds.ts';
import { LABEL_TYPE_MEANINGS, LABEL_TYPES, SAMPLE_TYPE_MEANINGS, SAMPLE_TYPES } from '#src/formats/dataset-types.ts';
import { PageOffset } from '#src/core/request-bounds.ts';
import { Label, LabelAttribute, LabelFormat, LabelProperty, MAX_LABELS, SchemaMap } from '#src/modules/datasets/index.ts';
import { HARD_REASON_CODES } from './hard-reasons.ts';

/** "lead. 0: meaning; 1: meaning", for a response field whose values are codes but that has no enum. */
const codesText = (lead: string, meanings: Record<string | number, string>): string => `${lead}. ${meaningsText(meanings)}`;

const LABEL_TYPE_TEXT = codesText('Label type', LABEL_TYPE_MEANINGS);
const labelTypeCodes = (lead: string) => IntCodes(LABEL_TYPES, LABEL_TYPE_MEANINGS, lead);
const sampleTypeCodes = (lead: string) => IntCodes(SAMPLE_TYPES, SAMPLE_TYPE_MEANINGS, lead);

/** Fields of the spec for team labeling, which Atelier does not serve. */
const TEAM_ONLY = 'accepted and ignored (there is no team labeling here)';

export const DatasetParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
});
export const SampleParams = Type.Object({
  ...DatasetParams.properties,
  sample_id: Type.String({ minLength: 1, maxLength: 64, description: 'Sample ID (32 hex characters)' }),
});
export const LabelParams = Type.Object({
  ...DatasetParams.properties,
  label_name: Type.String({ minLength: 1, maxLength: 1024, description: 'Name of the label, URL-encoded' }),
});

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

const SAMPLE_STATE_MEANINGS: Record<SampleStateFilter, string> = {
  __ALL__: 'labeled, labels final',
  __NONE__: 'unlabeled',
  __UNCHECK__: 'team labeling, awaiting acceptance',
  __ACCEPTED__: 'team labeling, accepted',
  __REJECTED__: 'team labeling, rejected',
  __UNREVIEWED__: 'team labeling, awaiting review',
  __REVIEWED__: 'team labeling, reviewed',
  __WORKFORCE_SAMPLED__: 'team labeling, drawn for acceptance checking',
  __WORKFORCE_SAMPLED_UNCHECK__: 'drawn, not yet checked',
  __WORKFORCE_SAMPLED_CHECKED__: 'drawn and checked',
  __WORKFORCE_SAMPLED_ACCEPTED__: 'drawn and accepted',
  __WORKFORCE_SAMPLED_REJECTED__: 'drawn and rejected',
  __AUTO_ANNOTATION__: 'labels awaiting confirmation (added with final_annotation false)',
};
const sampleStateCodes = (lead: string) => StringCodes(SAMPLE_STATES, SAMPLE_STATE_MEANINGS, lead);

export const USAGES = ['TRAIN', 'EVAL', 'TEST', 'INFERENCE'] as const;
const USAGE_MEANINGS: Record<(typeof USAGES)[number], string> = {
  TRAIN: 'training set',
  EVAL: 'validation set',
  TEST: 'test set',
  INFERENCE: 'inference input',
};

/** Character offsets in a text sample: a text line holds at most 16 Mi characters. */
const TEXT_INDEX_MAX = 16 * 1024 * 1024;

/** Labels on one sample (objects of a detection image, entities of a text, ...). */
export const MAX_SAMPLE_LABELS = 10_000;

/** Samples one batch request (#13, #14, #25) may name. */
export const MAX_UPLOAD_BATCH = 10_000;

const sampleLabelBounds = (description: string) => ({ maxItems: MAX_SAMPLE_LABELS, description: `${description}; at most ${MAX_SAMPLE_LABELS}` });

/** Attributes of a label on a sample; the @modelarts keys of the spec are typed, others pass. */
export const SampleLabelProperty = Type.Intersect(
  [
    Type.Object({
      '@modelarts:content': Type.Optional(Type.String({ maxLength: 65536, description: 'Speech content and paragraph labels (201, 202): the words spoken' })),
      '@modelarts:end_index': Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: TEXT_INDEX_MAX,
          description: 'Named entity and triplet entity labels (101, 103): offset just past the last character of the entity (exclusive), above start_index',
        }),
      ),
      '@modelarts:end_time': Type.Optional(
        Type.String({ maxLength: 64, description: 'Speech paragraph labels (202): end of the segment, hh:mm:ss.SSS, after start_time' }),
      ),
      '@modelarts:feature': Type.Optional(
        Type.Unknown({
          description:
            'Points of the shape, [x,y] in pixels from the upper left corner of the image: bndbox [[x1,y1],[x2,y2]] (upper left, then lower right), ' +
            'circle [[x,y],[radius]], point [[x,y]], line and dashed two points (start, end), polygon three points or more, polyline two or more',
        }),
      ),
      '@modelarts:from': Type.Optional(
        Type.String({ maxLength: 1024, description: 'Triplet relation labels (102): id of the head entity label on the same sample' }),
      ),
      '@modelarts:hard': Type.Optional(Type.Unknown({ description: 'Whether this label is a hard example: 0 or false no, 1 or true yes (strings too)' })),
      '@modelarts:hard_coefficient': Type.Optional(Type.Unknown({ description: 'How hard this label is, a number (or numeric string) within [0,1]' })),
      '@modelarts:hard_reasons': Type.Optional(
        Type.String({ maxLength: 1024, description: `Why this label is hard: reason ids joined by "-", e.g. 3-20-21-19. ${HARD_REASON_CODES}` }),
      ),
      '@modelarts:shape': Type.Optional(
        Type.String({
          maxLength: 32,
          description:
            'Shape of the object, required on object detection labels (1), optional on segmentation and video labels (3, 600): bndbox rectangle; ' +
            'polygon; circle; line straight line; dashed dashed line; point; polyline open line of segments',
        }),
      ),
      '@modelarts:source': Type.Optional(Type.String({ maxLength: 1024, description: 'Speech labels: who speaks, e.g. speaker or narrator; kept as given' })),
      '@modelarts:start_index': Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: TEXT_INDEX_MAX,
          description: 'Named entity and triplet entity labels (101, 103): offset of the first character of the entity, from 0',
        }),
      ),
      '@modelarts:start_time': Type.Optional(Type.String({ maxLength: 64, description: 'Speech paragraph labels (202): start of the segment, hh:mm:ss.SSS' })),
      '@modelarts:to': Type.Optional(
        Type.String({ maxLength: 1024, description: 'Triplet relation labels (102): id of the tail entity label on the same sample' }),
      ),
    }),
    FreeMap(64),
  ],
  { description: 'What the label marks on this sample (shape, text span, speech segment...), as its label type needs; other keys are kept as given' },
);

export const SampleLabel = Type.Object({
  annotated_by: Type.Optional(
    StringCodes(['human', 'auto'] as const, { human: 'set by a person', auto: 'set by a model' }, 'Who set the label, kept as given'),
  ),
  id: Type.Optional(Type.String({ maxLength: 128, description: 'Id of this label on the sample, unique there; triplet relations name their entities by it' })),
  name: Type.Optional(Type.String({ maxLength: 1024, description: 'Label name (required); a name the dataset lacks creates the label' })),
  property: Type.Optional(SampleLabelProperty),
  score: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Confidence of the label, 0 to 1' })),
  type: Type.Optional(
    labelTypeCodes(
      'Label type; defaults to the type of the label of that name, or for a new label to the only label type of the dataset (else required). ' +
        'A type the label or dataset does not have is refused',
    ),
  ),
});
export type SampleLabelInput = Static<typeof SampleLabel>;

export const SampleLabelResponse = Type.Object({
  annotated_by: Type.Optional(Type.String({ description: 'Who set the label, as given: human (a person) or auto (a model); absent when not given' })),
  id: Type.Optional(Type.String({ description: 'Id of this label on the sample, as given; absent when not given' })),
  name: Type.String({ description: 'Label name' }),
  property: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What the label marks on this sample (shape, text span, speech segment...); {} when nothing',
  }),
  score: Type.Optional(Type.Number({ description: 'Confidence of the label, 0 to 1; absent when not given' })),
  type: Type.Integer({ description: LABEL_TYPE_TEXT }),
});

export const SampleMetadata = Type.Intersect(
  [
    Type.Object({
      '@modelarts:import_origin': Type.Optional(
        Type.Integer({ minimum: 0, maximum: 1000, description: 'Origin code of the sample, kept as given; the import_origin search condition matches it' }),
      ),
      '@modelarts:hard': Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Whether the sample is a hard example: 0 no, 1 yes' })),
      '@modelarts:hard_coefficient': Type.Optional(
        Type.Number({ minimum: 0, maximum: 1, description: 'How hard the sample is, 0 to 1; the coefficient search condition ranges over it' }),
      ),
      '@modelarts:hard_reasons': Type.Optional(
        Type.Array(Type.Integer({ minimum: 0, maximum: 30 }), { maxItems: 31, description: `Why the sample is hard, as reason ids. ${HARD_REASON_CODES}` }),
      ),
      '@modelarts:size': Type.Optional(
        Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
          minItems: 2,
          maxItems: 3,
          description: 'Image size in pixels: [width, height] or [width, height, depth]',
        }),
      ),
    }),
    FreeMap(64),
  ],
  { description: 'Metadata of the sample: the @modelarts keys below and any other key, kept as given' },
);

/** The data_type codes of a data source; only OBS is served. */
const DATA_TYPE_MEANINGS = {
  0: 'OBS (default)',
  1: 'GaussDB(DWS)',
  2: 'DLI',
  3: 'RDS',
  4: 'MRS',
  5: 'AI Gallery',
  6: 'inference service',
} as const;

export const SampleDataSource = Type.Object(
  {
    data_path: Type.Optional(
      Type.String({ maxLength: 2048, description: 'Object path of the file, /bucket/dir/file; its extension must be one the dataset takes' }),
    ),
    data_type: Type.Optional(IntCodes([0, 1, 2, 3, 4, 5, 6] as const, DATA_TYPE_MEANINGS, 'Where the file is; only 0 is served here, others are refused')),
    schema_maps: Type.Optional(Type.Array(SchemaMap, { maxItems: 1000, description: 'Table data: column mappings, accepted and ignored; at most 1,000' })),
    source_info: Type.Optional(FreeMap(64, 'Connection details of a non-OBS source, accepted and ignored')),
    with_column_header: Type.Optional(Type.Boolean({ description: 'Table data: whether the first row names the columns; accepted and ignored' })),
  },
  { description: 'The file by path, when data is not given: it stays where it is and becomes a sample' },
);

export const UploadSample = Type.Object({
  data: Type.Optional(
    Type.String({
      maxLength: 16 * 1024 * 1024,
      description:
        'The file content, base64 (or unpadded base64url); an image takes at most 5 MB, audio 4 MB, other files 8 MB, the batch 8 MB in all. ' +
        'Written as name into the input folder of the dataset (without one, into data/ of its inner_work_path), never over an existing file',
    }),
  ),
  data_source: Type.Optional(SampleDataSource),
  encoding: Type.Optional(
    StringCodes(
      ['UTF-8', 'GBK', 'GB2312'] as const,
      { 'UTF-8': 'Unicode (default)', GBK: 'Chinese, GBK', GB2312: 'Chinese, GB2312' },
      'Character set of data; text in GBK or GB2312 is stored as UTF-8',
    ),
  ),
  labels: Type.Optional(Type.Array(SampleLabel, sampleLabelBounds('Labels of the sample; labels the dataset lacks are created'))),
  metadata: Type.Optional(SampleMetadata),
  name: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: 'File name, without / \\ ! < > = & " \' or control characters: required with data; with data_source it defaults to the name of the file',
    }),
  ),
  sample_type: Type.Optional(sampleTypeCodes('File type; when given it must be the type of the dataset (any, for a free-format dataset)')),
});
export type UploadSample = Static<typeof UploadSample>;

export const UploadSamplesRequest = Type.Object({
  final_annotation: Type.Optional(
    Type.Boolean({
      description: 'true (default): the labels are final; false: they await confirmation (image classification and object detection datasets only)',
    }),
  ),
  label_format: Type.Optional({
    ...LabelFormat,
    description: 'Text classification datasets: how labels sit in the uploaded text files (default: the label format of the dataset)',
  }),
  samples: Type.Optional(
    Type.Array(UploadSample, { maxItems: MAX_UPLOAD_BATCH, description: `Samples to add, each a file given inline or by path; at most ${MAX_UPLOAD_BATCH}` }),
  ),
});
export type UploadSamplesRequest = Static<typeof UploadSamplesRequest>;

export const UploadSampleResp = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'Why this sample failed: the error code (absent on success)' })),
  error_msg: Type.Optional(Type.String({ description: 'Why this sample failed, naming the field (absent on success)' })),
  info: Type.Optional(Type.String({ description: 'Id of the new sample; a text classification file becomes one sample per line, their ids joined by commas' })),
  name: Type.Optional(Type.String({ description: 'Object path of the sample file, /bucket/dir/file (else the name or path the item gave)' })),
  success: Type.Boolean({ description: 'true when this sample was added' }),
});

export const UploadSamplesResponse = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'When samples failed: the error code of the first failure' })),
  error_msg: Type.Optional(Type.String({ description: 'When samples failed: how many, of how many' })),
  results: Type.Optional(Type.Array(UploadSampleResp, { description: 'Outcome of each sample, in request order' })),
  success: Type.Boolean({ description: 'true when every sample was added; the others are added even when some fail' }),
});
export type UploadSamplesResponse = Static<typeof UploadSamplesResponse>;

export const BatchResponse = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'Why this item failed: the error code (absent on success)' })),
  error_msg: Type.Optional(Type.String({ description: 'Why this item failed, naming the field (absent on success)' })),
  success: Type.Boolean({ description: 'true when this item was carried out' }),
});

export const BatchResult = Type.Object({
  error_code: Type.Optional(Type.String({ description: 'When items failed: the error code of the first failure' })),
  error_msg: Type.Optional(Type.String({ description: 'When items failed: how many, of how many' })),
  results: Type.Optional(Type.Array(BatchResponse, { description: 'Only when some item failed: the outcome of each item, in request order' })),
  success: Type.Boolean({
    description: 'true when every item was carried out; sample batches carry out the good items even when some fail, label batches all or none',
  }),
});
export type BatchResult = Static<typeof BatchResult>;

export const DeleteSamplesRequest = Type.Object({
  delete_source: Type.Optional(
    Type.Boolean({ description: 'Also delete the files of the samples (default false); text datasets keep theirs, one file holding many samples' }),
  ),
  samples: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: MAX_UPLOAD_BATCH,
      description: `IDs of the samples to delete, at least one; at most ${MAX_UPLOAD_BATCH}`,
    }),
  ),
});
export type DeleteSamplesRequest = Static<typeof DeleteSamplesRequest>;

export const ListSamplesQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256, description: `Email of a team member; ${TEAM_ONLY}` })),
  high_score: Type.Optional(
    Type.String({
      maxLength: 32,
      description: 'Only samples whose highest label confidence is at most this, a number within [0,1] (default 1); samples without one are left out',
    }),
  ),
  label_name: Type.Optional(Type.String({ maxLength: 1024, description: 'Only samples carrying this label (none when the dataset has no such label)' })),
  label_type: Type.Optional(labelTypeCodes('Only samples carrying a label of this type')),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Samples per page, 1 to 100' }),
  locale: Type.Optional(Type.String({ maxLength: 32, description: 'Language of the answer; accepted and ignored' })),
  low_score: Type.Optional(
    Type.String({
      maxLength: 32,
      description: 'Only samples whose highest label confidence is at least this, a number within [0,1] (default 0); samples without one are left out',
    }),
  ),
  offset: PageOffset,
  order: Type.Optional(
    StringCodes(['asc', 'desc'] as const, { asc: 'oldest first', desc: 'newest first (default)' }, 'Order of the list, by sample_time then sample id'),
  ),
  preview: Type.Optional(
    Type.Boolean({ description: 'true: image sources are URLs of a thumbnail 200 pixels high (image/resize,m_lfit,h_200); process_parameter wins' }),
  ),
  process_parameter: Type.Optional(
    Type.String({
      maxLength: 256,
      description:
        'Resizing of image sources, as OBS image processing writes it: image/resize,m_<lfit|mfit|fill|fixed>,w_<1-4096>,h_<1-4096>, ' +
        'e.g. image/resize,m_lfit,h_200; other sample types are served as they are',
    }),
  ),
  sample_state: Type.Optional(sampleStateCodes('Only samples in this state; the team labeling states match no sample here')),
  sample_type: Type.Optional(sampleTypeCodes('Only samples of this file type')),
  search_conditions: Type.Optional(
    Type.String({
      maxLength: 65536,
      description:
        'URL-encoded JSON list of search conditions, at most 100, all of which must hold. A condition may set label_list, sample_name, sample_dir ' +
        '(/bucket/dir/), sample_time (month, day or yyyyMMdd-yyyyMMdd), hard ("0" or "1"), labeler (human/<user name>), score and coefficient ' +
        '("low-high" or "low", within [0,1]), import_origin and metadata; the medical and video frame fields are refused',
    }),
  ),
  version_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'List the samples of this dataset version, as they were when it was created (default: the live samples)' }),
  ),
});
export type ListSamplesQuery = Static<typeof ListSamplesQuery>;

export const HardDetail = Type.Object(
  {
    alo_name: Type.Optional(Type.String({ description: 'Short name of the reason, e.g. low_confidence' })),
    id: Type.Integer({ description: `Reason id. ${HARD_REASON_CODES}` }),
    reason: Type.String({ description: 'What makes the sample hard' }),
    suggestion: Type.String({ description: 'What to do about it' }),
  },
  { description: 'A reason why a sample is a hard example' },
);

export const DescribeSampleResp = Type.Object({
  hard_details: Type.Optional(
    Type.Record(Type.String(), HardDetail, {
      description: 'Reasons the sample is a hard example, by reason id; only when its metadata marks it hard and lists reasons',
    }),
  ),
  labels: Type.Array(SampleLabelResponse, { description: 'Labels on the sample; [] when unlabeled' }),
  metadata: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Metadata of the sample: @modelarts keys (hard, hard_coefficient, hard_reasons, size, import_origin) and any key set by the client',
  }),
  sample_dir: Type.String({ description: 'Folder of the file, /bucket/dir/ (not meaningful for a line of a text file)' }),
  sample_id: Type.String({ description: 'Sample ID (32 hex characters)' }),
  sample_name: Type.String({ description: 'File name of the sample (for a line of a text file, the name of the file)' }),
  sample_size: Type.Integer({ description: 'Size of the file in bytes; for a line of a text file, the length of the line in UTF-8 bytes' }),
  sample_status: Type.String({
    description:
      'State of the sample: UN_ANNOTATION unlabeled; MANUAL_ANNOTATION labeled, labels final; AUTO_ANNOTATION labels awaiting confirmation ' +
      '(the names of the spec examples, not the sample_state filter words)',
  }),
  sample_time: Type.Integer({ description: 'Last modification of the file, ms since epoch' }),
  sample_type: Type.Integer({ description: codesText('File type', SAMPLE_TYPE_MEANINGS) }),
  source: Type.String({
    description:
      'Where to read the sample: a signed URL of its file on this server, valid for at least ATELIER_OBJECT_URL_TTL seconds (default 3600); ' +
      'for a line of a text file, content:// followed by the text',
  }),
});
export type DescribeSampleResp = Static<typeof DescribeSampleResp>;

export const ListSamplesResponse = Type.Object({
  sample_count: Type.Integer({ description: 'Samples matching the filters, over all pages' }),
  samples: Type.Array(DescribeSampleResp, { description: 'This page of samples' }),
});
export type ListSamplesResponse = Static<typeof ListSamplesResponse>;

export const DescribeSampleQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 32, description: 'Language of the answer; accepted and ignored' })),
  sample_state: Type.Optional(sampleStateCodes('Accepted and ignored: the sample is returned whatever its state')),
  worker_id: Type.Optional(Type.String({ maxLength: 64, description: `ID of a team member; ${TEAM_ONLY}` })),
});

export const LabelResponse = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute, { description: 'Attributes defined for the label; absent when none' })),
  name: Type.String({ description: 'Label name' }),
  property: LabelProperty,
  type: Type.Integer({ description: LABEL_TYPE_TEXT }),
});
export type LabelResponse = Static<typeof LabelResponse>;

export const ListSearchResponse = Type.Object({
  labelers: Type.Array(Type.String(), { description: 'Who labeled samples, as human/<user name> (at most 1,000); the labeler search condition takes these' }),
  labels: Type.Array(LabelResponse, { description: 'The labels that at least one sample carries' }),
  metadata: Type.Record(Type.String(), Type.Array(Type.String()), {
    description: 'Metadata values found on the samples, by key (scalars and list items as text; @modelarts:size left out)',
  }),
});
export type ListSearchResponse = Static<typeof ListSearchResponse>;

export const ListLabelsQuery = Type.Object({
  version_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'List the labels of this dataset version, as they were when it was created (default: the current labels)' }),
  ),
  offset: PageOffset,
  limit: Type.Integer({ minimum: 1, maximum: 100000, default: 100000, description: 'Labels per page, 1 to 100000' }),
});
export type ListLabelsQuery = Static<typeof ListLabelsQuery>;

export const ListLabelsResponse = Type.Object({
  labels: Type.Array(LabelResponse, { description: 'This page of labels, in the order they were created' }),
  total_number: Type.Integer({ description: 'Labels in all pages' }),
});
export type ListLabelsResponse = Static<typeof ListLabelsResponse>;

export const LabelsRequest = Type.Object({
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `The labels, at least one; at most ${MAX_LABELS}` })),
});
export type LabelsRequest = Static<typeof LabelsRequest>;

export const DeleteLabelsQuery = Type.Object({
  delete_policy: Type.Optional(
    IntCodes(
      [0, 1, 2] as const,
      {
        0: 'the labels leave their samples, which stay',
        1: 'also delete the samples left with no label, keeping their files',
        2: 'as 1, and delete those files too (text datasets keep theirs)',
      },
      'What becomes of the samples carrying the labels (default 0)',
    ),
  ),
});

const LABEL_TYPE_MATCH = 'Type the label must have (default: any); a label of another type is not found';

export const LabelNameQuery = Type.Object({ label_type: Type.Optional(labelTypeCodes(LABEL_TYPE_MATCH)) });

export const UpdateLabelRequest = Type.Object(
  {
    '@modelarts:color': Type.Optional(Type.String({ maxLength: 32, description: 'Color of the label, a hex code such as #93c47d' })),
    '@modelarts:rename_to': Type.Optional(
      Type.String({
        maxLength: 1024,
        description: 'New name, 1 to 32 letters, digits, _ or -, not taken; samples follow, and so do triplet relations naming a renamed entity label',
      }),
    ),
    '@modelarts:shortcut': Type.Optional(
      Type.String({ maxLength: 32, description: 'Key that picks the label while labeling; two labels cannot share one (case ignored)' }),
    ),
  },
  { additionalProperties: true, description: 'Properties merged into those of the label; other keys are kept as given' },
);
export type UpdateLabelRequest = Static<typeof UpdateLabelRequest>;

export const DeleteLabelQuery = Type.Object({
  delete_source: Type.Optional(
    Type.Boolean({
      description:
        'The label and the samples whose only label it is are deleted; true also deletes the files of those samples (default false; text datasets keep theirs)',
    }),
  ),
  label_type: Type.Optional(labelTypeCodes(LABEL_TYPE_MATCH)),
});

export const SampleLabels = Type.Object({
  labels: Type.Optional(Type.Array(SampleLabel, sampleLabelBounds('The new labels of the sample, replacing its own; none or [] unlabels it'))),
  metadata: Type.Optional({ ...SampleMetadata, description: 'Metadata merged into that of the sample (keys given replace theirs)' }),
  sample_id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of the sample to label (required)' })),
  sample_type: Type.Optional(sampleTypeCodes('File type of the sample; accepted and ignored')),
  sample_usage: Type.Optional(StringCodes(USAGES, USAGE_MEANINGS, 'Which set the sample goes to (absent: unchanged)')),
  source: Type.Optional(Type.String({ maxLength: 2048, description: 'Source of the sample; accepted and ignored (sample_id names it)' })),
  worker_id: Type.Optional(Type.String({ maxLength: 64, description: `ID of a team member; ${TEAM_ONLY}` })),
});

export const UpdateSamplesRequest = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256, description: `Email of a team member; ${TEAM_ONLY}` })),
  samples: Type.Optional(Type.Array(SampleLabels, { maxItems: MAX_UPLOAD_BATCH, description: `Samples to label, at least one; at most ${MAX_UPLOAD_BATCH}` })),
});
export type UpdateSamplesRequest = Static<typeof UpdateSamplesRequest>;

export const StatsQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256, description: `Email of a team member; ${TEAM_ONLY}` })),
  locale: Type.Optional(Type.String({ maxLength: 32, description: 'Language of the answer; accepted and ignored' })),
  sample_state: Type.Optional(
    sampleStateCodes(
      'Count labels on the samples in this state only: __ALL__ final labels, __AUTO_ANNOTATION__ labels awaiting confirmation, ' +
        'any other state none (default: both); sample_stats and the other totals do not change',
    ),
  ),
});

export const LabelStats = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute, { description: 'Attributes defined for the label; absent when none' })),
  count: Type.Integer({ description: 'Times the label is set on the samples counted (see sample_state)' }),
  name: Type.String({ description: 'Label name' }),
  property: LabelProperty,
  sample_count: Type.Integer({ description: 'Samples counted (see sample_state) that carry the label' }),
  type: Type.Integer({ description: LABEL_TYPE_TEXT }),
});

export const PairOfIntAndHardDetail = Type.Object({
  key: Type.Integer({ description: 'Samples whose metadata gives this reason' }),
  value: HardDetail,
});

export const StatsResponse = Type.Object({
  data_path: Type.Optional(Type.String({ description: 'Input folder of the dataset, /bucket/dir/ (its work folder when it has none)' })),
  data_spliting_enable: Type.Boolean({
    description: 'true when the labeled samples can be split into training and validation sets: at least two, and each label in use on two or more',
  }),
  grouped_label_stats: Type.Record(Type.String(), Type.Array(LabelStats), { description: 'label_stats grouped by label type (the key, e.g. "1")' }),
  hard_detail_stats: Type.Record(Type.String(), PairOfIntAndHardDetail, {
    description: 'Reasons for hard examples given in sample metadata, by reason id, with how many samples give each',
  }),
  key_sample_stats: Type.Record(Type.String(), Type.Integer(), {
    description: 'Hard examples: total (every sample), key_sample (marked hard in metadata) and non_key_sample (the rest)',
  }),
  label_stats: Type.Array(LabelStats, { description: 'Every label of the dataset with its counts, in the order labels were created' }),
  metadata_stats: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Samples per metadata value, {key: {value: samples}}; @modelarts:size is left out and @modelarts:hard_reasons is in hard_detail_stats',
  }),
  sample_stats: Type.Record(Type.String(), Type.Integer(), {
    description:
      'Sample counts: total, all and lefted (every sample), un_annotation, manual_annotation (labels final), ' +
      'auto_annotation (labels awaiting confirmation) and deleted (samples deleted so far)',
  }),
});
export type StatsResponse = Static<typeof StatsResponse>;

/** The last millisecond of the year 9999. */
const MAX_EPOCH_MS = 253_402_300_799_999;

export const MetricsQuery = Type.Object({
  end_time: Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description: 'End of the period, ms since epoch (inclusive, not before start_time)' }),
  start_time: Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description: 'Start of the period, ms since epoch' }),
  workforce_task_id: Type.Optional(Type.String({ maxLength: 64, description: `ID of a team labeling task; ${TEAM_ONLY}` })),
});

export const MetricsResponse = Type.Object({
  metrics: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description:
      'Series by name, each {minute: value} with the minute as ms since epoch, one point per minute in which samples changed: ' +
      'total, manual_annotation, auto_annotation and un_annotation sample counts; queuing, success, unfinished, failed, failed_user ' +
      'and failed_system (auto labeling tasks) are always empty here',
  }),
});
export type MetricsResponse = Static<typeof MetricsResponse>;
