// Wire objects of the dataset management APIs (#1-#5), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { IntCodes, ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { FreeMap, PageLimit, PageOffset } from '#src/core/request-bounds.ts';
import { DATASET_TYPE_MEANINGS, DATASET_TYPES, LABEL_TYPE_MEANINGS, LABEL_TYPES } from '#src/formats/dataset-types.ts';
import { DATASET_TYPE_TEXT, LABEL_TYPE_TEXT } from './type-codes.ts';
import { DatasetVersion, RATIO_RANGE_PATTERN } from './version-schemas.ts';

/** Labels one request may name (a dataset's label list, its additions, changes or deletions). */
export const MAX_LABELS = 10_000;

/** The spec forbids these characters in descriptions: ^ ! < > = & " ' */
export const DESCRIPTION_PATTERN = '^[^\\^!<>=&"\']*$';

export const LabelAttributeValue = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of the value' })),
  value: Type.Optional(Type.String({ maxLength: 256, description: 'The value as shown to the labeler' })),
});

export const LabelAttribute = Type.Object({
  default_value: Type.Optional(Type.String({ maxLength: 256, description: 'Value the attribute takes when the labeler gives none' })),
  id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of the attribute' })),
  name: Type.Optional(Type.String({ maxLength: 64, description: 'Attribute name, e.g. color or artist' })),
  type: Type.Optional(StringCodes(['text', 'select'] as const, { text: 'free text', select: 'one of `values`' }, 'How the attribute is filled in')),
  values: Type.Optional(Type.Array(LabelAttributeValue, { maxItems: 1000, description: 'The choices of a select attribute, at most 1,000' })),
});

/** Key-value pairs such as @modelarts:color, @modelarts:shortcut, @modelarts:from_type. */
export const LabelProperty = FreeMap(
  64,
  'Label properties: @modelarts:color (hex color, e.g. #FFFFF0), @modelarts:shortcut (one key, unique in the dataset), ' +
    '@modelarts:default_shape (object detection: bndbox, polygon, circle, line, dashed, point or polyline), ' +
    '@modelarts:from_type and @modelarts:to_type (triplet relations: the head and tail entity label names), ' +
    '@modelarts:rename_to (when updating: the new name); other keys are kept as given',
);

export const Label = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute, { maxItems: 100, description: 'Attributes a labeler fills in for this label, at most 100' })),
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Label name (1-32 letters, digits, _ or -), unique in the dataset' })),
  property: Type.Optional(LabelProperty),
  type: Type.Optional(IntCodes(LABEL_TYPES, LABEL_TYPE_MEANINGS, "Label type, one the dataset allows; absent: the dataset's own type")),
});
export type Label = Static<typeof Label>;

export const SchemaMap = Type.Object({
  dest_name: Type.Optional(Type.String({ maxLength: 256, description: 'Column name in the dataset' })),
  src_name: Type.Optional(Type.String({ maxLength: 256, description: 'Column name in the source' })),
});

/** Connection details of non-OBS sources; accepted on input, never stored or returned (it holds passwords). */
export const SourceInfo = FreeMap(64, 'Connection details of a database or cluster source (may hold passwords); accepted, never stored or returned');

const DATA_TYPE_MEANINGS = {
  0: 'OBS',
  1: 'GaussDB(DWS)',
  2: 'DLI',
  3: 'RDS',
  4: 'MRS',
  5: 'AI Gallery',
  6: 'inference service',
};

export const DataSource = Type.Object({
  data_path: Type.Optional(
    Type.String({ maxLength: 1024, description: 'Input folder, /bucket/dir/ (required for OBS); its files and subfolders become the samples' }),
  ),
  data_type: Type.Optional(
    IntCodes([0, 1, 2, 3, 4, 5, 6] as const, DATA_TYPE_MEANINGS, 'Where the data is (default 0); only 0 is read here, others are a 400'),
  ),
  schema_maps: Type.Optional(
    Type.Array(SchemaMap, { maxItems: 1000, description: 'Table datasets: source-to-dataset column mappings, at most 1,000; kept and returned, not applied' }),
  ),
  source_info: Type.Optional(SourceInfo),
  with_column_header: Type.Optional(Type.Boolean({ description: 'Table datasets: whether the first line of each file names the columns' })),
});
export type DataSource = Static<typeof DataSource>;

export const DataSourceResponse = Type.Object({
  data_path: Type.Optional(Type.String({ description: 'Input folder, /bucket/dir/' })),
  data_type: Type.Integer({ description: 'Where the data is: always 0 (OBS) here' }),
  schema_maps: Type.Optional(Type.Array(SchemaMap, { description: 'Table datasets: the column mappings given at creation' })),
  with_column_header: Type.Optional(Type.Boolean({ description: 'Table datasets: whether the first line of each file names the columns' })),
});

export const LabelFormat = Type.Object(
  {
    label_type: Type.Optional(
      StringCodes(
        ['0', '1'] as const,
        { 0: 'labels in <name>_result.txt beside <name>.txt', 1: 'the text and its labels on one line (default)' },
        'Where the labels are',
      ),
    ),
    text_label_separator: Type.Optional(
      Type.String({ maxLength: 8, description: 'One character between two labels (default a comma); escaped forms such as \\t are accepted' }),
    ),
    text_sample_separator: Type.Optional(
      Type.String({ maxLength: 8, description: 'One character between the text and its labels (default Tab); must differ from text_label_separator' }),
    ),
  },
  { description: 'Text datasets: how the input files hold the labels beside the texts; ignored for other types' },
);
export type LabelFormat = Static<typeof LabelFormat>;

export const Field = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 256, description: 'Column description' })),
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Column name (the header of a CSV version)' })),
  schema_id: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Column position; a CSV version orders its columns by it' })),
  type: Type.Optional(Type.String({ maxLength: 64, description: 'Value type of the column, e.g. String; kept as given' })),
});

export const WorkforceInformation = FreeMap(64, 'Team labeling settings; refused here (400): team labeling is not served');

export const CreateDatasetRequest = Type.Object({
  data_format: Type.Optional(
    StringCodes(
      ['Default', 'CarbonData'] as const,
      { Default: 'files as they are', CarbonData: 'table data in CarbonData, refused here (400)' },
      'Data format',
    ),
  ),
  data_sources: Type.Array(DataSource, { minItems: 1, maxItems: 1, description: 'The input: exactly one data source' }),
  dataset_name: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^[\\p{L}\\p{N}_-]+$',
    description: 'Dataset name, unique in the project: letters, digits, _ and -',
  }),
  dataset_type: Type.Optional(IntCodes(DATASET_TYPES, DATASET_TYPE_MEANINGS, 'Dataset type (default 0)')),
  description: Type.Optional(
    Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN, description: 'Dataset description without ^ ! < > = & " \' (default empty)' }),
  ),
  import_annotations: Type.Optional(Type.Boolean({ description: 'Import labels found beside the files (default true)' })),
  import_data: Type.Optional(Type.Boolean({ description: 'Table datasets: import the data at creation (default false); other types always scan their input' })),
  label_format: Type.Optional(LabelFormat),
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `The dataset's first labels, at most ${MAX_LABELS}` })),
  managed: Type.Optional(Type.Boolean({ description: 'Whether the dataset is hosted (default false); kept and returned, no effect here' })),
  schema: Type.Optional(Type.Array(Field, { maxItems: 10000, description: 'Table datasets: the columns, at most 10,000' })),
  // The 3..700 character rule is checked by the service (ModelArts.4350 for too long).
  work_path: Type.String({
    maxLength: 4096,
    description: 'Output folder, /bucket/dir/: 3 to 700 characters, below a bucket, outside the input; the dataset writes to <work_path><name>-<id>/',
  }),
  work_path_type: IntCodes([0] as const, { 0: 'OBS' }, 'Kind of output path'),
  workforce_information: Type.Optional(WorkforceInformation),
  workspace_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Workspace ID (default "0"); kept for the list filter, Atelier has no workspaces' }),
  ),
});
export type CreateDatasetRequest = Static<typeof CreateDatasetRequest>;

export const CreateDatasetResponse = Type.Object({
  dataset_id: Type.String({ description: 'ID of the new dataset' }),
  import_task_id: Type.Optional(
    Type.String({ description: 'The import task scanning the input (see DescImportTask); absent for a table dataset created without import_data' }),
  ),
});

export const DatasetIdParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
});

// Not in the ModelArts spec (which always keeps the files): Atelier can also remove the dataset's own
// folder under its work path (<work_path>/<name>-<id>/: versions, annotations, logs) when asked.
export const DeleteDatasetQuery = Type.Object({
  delete_work_path: Type.Optional(Type.Boolean({ default: false, description: "Also delete the dataset's folder under its work path (Atelier extension)" })),
});

const RUNNING_TASK_TYPES = [0, 1, 2, 3, 4, 5, 6, 7] as const;

/** running_task_type: which running tasks running_tasks_id lists. Atelier runs only version publications (6). */
const RunningTaskType = IntCodes(
  RUNNING_TASK_TYPES,
  {
    0: 'auto labeling',
    1: 'pre-labeling',
    2: 'export',
    3: 'version switch',
    4: 'manifest export',
    5: 'manifest import',
    6: 'version publishing',
    7: 'auto grouping',
  },
  'List only running tasks of this type (absent: all, the input scan included); only 6 runs here, so other values list none',
);

export const DescDatasetQuery = Type.Object({
  check_running_task: Type.Optional(Type.Boolean({ description: 'Accepted; running tasks are always reported' })),
  running_task_type: Type.Optional(RunningTaskType),
});
export type DescDatasetQuery = Static<typeof DescDatasetQuery>;

export const ListDatasetsQuery = Type.Object({
  check_running_task: Type.Optional(Type.Boolean({ description: 'Accepted; running tasks are always reported' })),
  contain_versions: Type.Optional(Type.Boolean({ description: 'true: only datasets with at least one version' })),
  dataset_type: Type.Optional(IntCodes(DATASET_TYPES, DATASET_TYPE_MEANINGS, 'Only datasets of this type')),
  file_preview: Type.Optional(Type.Boolean({ description: 'true: each dataset carries its 4 newest samples in samples (default false)' })),
  limit: PageLimit(100, 10),
  offset: PageOffset,
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (default)' }, 'Sort order')),
  running_task_type: Type.Optional(RunningTaskType),
  search_content: Type.Optional(Type.String({ maxLength: 256, description: 'Only datasets whose name or description contains this text, ignoring case' })),
  sort_by: Type.Optional(
    StringCodes(['create_time', 'dataset_name'] as const, { create_time: 'creation time (default)', dataset_name: 'dataset name' }, 'Sort key'),
  ),
  support_export: Type.Optional(Type.Boolean({ description: 'true: only datasets whose data can be exported (types 0, 1 and 900)' })),
  train_evaluate_ratio: Type.Optional(
    Type.String({ pattern: RATIO_RANGE_PATTERN, description: 'Only datasets with a version whose training share lies in "min,max" (each 0..1, e.g. 0.0,1.0)' }),
  ),
  version_format: Type.Optional(
    IntCodes([0, 1, 2] as const, { 0: 'Default', 1: 'CarbonData (never produced here)', 2: 'CSV' }, 'Only datasets with a version of this format'),
  ),
  with_labels: Type.Optional(Type.Boolean({ description: 'true: each dataset carries its labels (default false)' })),
  workspace_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only datasets of this workspace ("0": the default one)' })),
  dataset_version: Type.Optional(
    StringCodes(
      ['v1', 'v2', 'all'] as const,
      { v1: 'datasets from before labeling tasks were split off', v2: 'datasets from after', all: 'both' },
      'ModelArts dataset generation; Atelier has one kind, so every value lists all datasets',
    ),
  ),
});
export type ListDatasetsQuery = Static<typeof ListDatasetsQuery>;

export const LabelResponse = Type.Object({
  attributes: Type.Optional(Type.Array(LabelAttribute, { description: 'Attributes a labeler fills in for this label' })),
  name: Type.String({ description: 'Label name, unique in the dataset' }),
  property: Type.Optional(LabelProperty),
  type: Type.Integer({ description: LABEL_TYPE_TEXT }),
});

/** A preview sample of the list (file_preview=true). */
export const AnnotationFile = Type.Object({
  create_time: Type.Integer({ description: 'When the sample was added, ms since epoch' }),
  dataset_id: Type.String({ description: 'Dataset ID' }),
  depth: Type.Optional(Type.Integer({ description: 'Images: color channels, when known' })),
  file_Name: Type.String({ description: 'Sample name (the file name)' }),
  file_id: Type.String({ description: 'Sample ID' }),
  height: Type.Optional(Type.Integer({ description: 'Images: height in pixels, when known' })),
  size: Type.Integer({ description: 'File size, bytes' }),
  url: Type.String({ description: 'Signed, expiring URL of the sample file, served by Atelier' }),
  width: Type.Optional(Type.Integer({ description: 'Images: width in pixels, when known' })),
});
export type AnnotationFile = Static<typeof AnnotationFile>;

/** The dataset object of the list and details answers (fields this server can state truthfully). */
export const DatasetResponse = Type.Object({
  annotated_sample_count: Type.Integer({ description: 'Samples with at least one confirmed label' }),
  annotated_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples (e.g. video key frames)' }),
  content_labeling: Type.Boolean({ description: 'Speech paragraph labeling: whether labels carry the spoken content' }),
  create_time: Type.Integer({ description: 'Creation time, ms since epoch' }),
  current_version_id: Type.Optional(
    Type.String({ description: 'ID of the current version (the newest published unless set with UpdateDataset); absent when none' }),
  ),
  current_version_name: Type.Optional(Type.String({ description: 'Name of the current version, e.g. V001' })),
  data_format: Type.String({ description: 'Data format: always Default here' }),
  data_sources: Type.Array(DataSourceResponse, { description: 'The input (one entry)' }),
  data_update_time: Type.Integer({ description: 'Last change to its samples or labels, ms since epoch' }),
  dataset_format: Type.Integer({ description: 'Dataset format. 0: file; 1: table (type 400)' }),
  dataset_id: Type.String({ description: 'Dataset ID' }),
  dataset_name: Type.String({ description: 'Dataset name' }),
  dataset_tags: Type.Array(Type.String(), { description: 'Kind of data and task, e.g. ["Image", "Object detection"]' }),
  dataset_type: Type.Integer({ description: DATASET_TYPE_TEXT }),
  dataset_version_count: Type.Integer({ description: 'Versions of the dataset, in any status' }),
  description: Type.String({ description: 'Dataset description (empty when none)' }),
  enterprise_project_id: Type.String({ description: 'Always "0": Atelier has no enterprise projects' }),
  exist_running_task: Type.Boolean({ description: 'Whether running_tasks_id lists any task' }),
  exist_workforce_task: Type.Boolean({ description: 'Always false: team labeling is not served here' }),
  feature_supports: Type.Array(Type.String(), { description: '"0": the size of the files is limited' }),
  import_data: Type.Boolean({ description: 'Table datasets: whether the data was imported at creation (false for other types)' }),
  import_task_id: Type.Optional(Type.String({ description: 'The import task that scanned the input at creation' })),
  inner_annotation_path: Type.String({ description: '<inner_work_path>annotation/: where published versions are written' }),
  inner_data_path: Type.String({ description: '<inner_work_path>data/: where uploaded sample files are stored' }),
  inner_log_path: Type.String({ description: '<inner_work_path>logs/ (named only: nothing is written there)' }),
  inner_task_path: Type.String({ description: '<inner_work_path>task/ (named only: nothing is written there)' }),
  inner_temp_path: Type.String({ description: '<inner_work_path>temp/ (named only: nothing is written there)' }),
  inner_work_path: Type.String({ description: "The dataset's own folder, <work_path><name>-<id>/ as at creation" }),
  label_task_count: Type.Integer({ description: 'Labeling tasks of the dataset: always 0 here (labels are edited on the dataset itself)' }),
  labels: Type.Optional(Type.Array(LabelResponse, { description: "The dataset's labels (in the list only with with_labels=true)" })),
  managed: Type.Boolean({ description: 'Hosted flag as given at creation; no effect here' }),
  next_version_num: Type.Integer({ description: 'Number the next unnamed version takes (V001, V002, ...)' }),
  running_tasks_id: Type.Array(Type.String(), {
    description: 'IDs of running tasks: the input scan while status is 0 and version publications, filtered by running_task_type',
  }),
  samples: Type.Optional(Type.Array(AnnotationFile, { description: 'The 4 newest samples (ListDatasets with file_preview=true)' })),
  schema: Type.Optional(Type.Array(Field, { description: 'Table datasets: the columns given at creation' })),
  status: Type.Integer({
    description:
      'Dataset status. 0: creating (the input is being scanned); 1: normal; 2: deleting; 4: abnormal (the input scan failed); ' +
      "6: releasing (a version is being published); ModelArts' 3, 5, 7 and 8 do not occur here",
  }),
  total_sample_count: Type.Integer({ description: 'Samples in the dataset' }),
  total_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples' }),
  unconfirmed_sample_count: Type.Integer({ description: 'Samples with auto-labeling results not yet confirmed' }),
  update_time: Type.Integer({ description: 'Last change to the dataset itself (name, description, current version, status), ms since epoch' }),
  versions: Type.Optional(Type.Array(DatasetVersion, { description: 'The current version alone; absent when none' })),
  work_path: Type.String({ description: 'Output folder, /bucket/dir/' }),
  work_path_type: Type.Integer({ description: 'Kind of output path: always 0 (OBS)' }),
  workforce_task_count: Type.Integer({ description: 'Team labeling tasks: always 0 here' }),
  workspace_id: Type.String({ description: 'Workspace ID given at creation ("0" by default)' }),
});
export type DatasetResponse = Static<typeof DatasetResponse>;

export const ListDatasetsResponse = Type.Object({
  datasets: Type.Array(DatasetResponse, { description: 'This page of datasets' }),
  total_number: Type.Integer({ description: 'Datasets matching the filters, on all pages' }),
});

export const UpdateDatasetRequest = Type.Object({
  add_labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS, description: `Labels to add, with new names; at most ${MAX_LABELS}` })),
  current_version_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Make this version the current one; it must be normal (status 1)' }),
  ),
  dataset_name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\p{L}\\p{N}_-]+$', description: 'New name, unique in the project: letters, digits, _ and -' }),
  ),
  delete_labels: Type.Optional(
    Type.Array(Label, { maxItems: MAX_LABELS, description: `Labels to delete, by name; they leave every sample, the samples stay; at most ${MAX_LABELS}` }),
  ),
  description: Type.Optional(Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN, description: 'New description without ^ ! < > = & " \'' })),
  update_labels: Type.Optional(
    Type.Array(Label, {
      maxItems: MAX_LABELS,
      description: `Labels to change, by name: property merged, attributes replaced, @modelarts:rename_to renames, the type stays; at most ${MAX_LABELS}`,
    }),
  ),
});
export type UpdateDatasetRequest = Static<typeof UpdateDatasetRequest>;

export const UpdateDatasetResponse = Type.Object({ dataset_id: Type.String({ description: 'ID of the dataset changed' }) });
