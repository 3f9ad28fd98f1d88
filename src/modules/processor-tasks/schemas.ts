import { Type } from 'typebox';
import { IntCodes, ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';

// The wire of the data processing APIs (#68-79): tasks, their versions and each version's results.

const strict = { additionalProperties: false };

export const TEMPLATE_IDS = ['sys_data_analyse', 'sys_data_cleaning', 'sys_data_augmentation', 'sys_data_validation', 'sys_data_selection'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

const templateMeanings: Record<TemplateId, string> = {
  sys_data_analyse: 'feature analysis (resolution, aspect ratio, brightness, clarity, colourfulness, boxes) as histograms',
  sys_data_cleaning: 'cleaning: drops corrupt files, exact and near duplicates, and files failing validation',
  sys_data_augmentation: 'augmentation: adds transformed copies of the images (flip, rotate, crop, scale, brightness, contrast, noise)',
  sys_data_validation: 'validation: finds corrupt, truncated, unsupported, misnamed, too small or too large images',
  sys_data_selection: 'selection: keeps a subset, dropping similar or duplicate images and those outside size and aspect rules',
};
export const TemplateIdCode = StringCodes(TEMPLATE_IDS, templateMeanings, 'Kind of processing, the ID of its template');

const SOURCE_TYPES = ['OBS', 'TASK', 'DATASET', 'CUSTOM'] as const;
const SourceType = StringCodes(
  SOURCE_TYPES,
  {
    OBS: 'source is an OBS folder or file (/bucket/path or obs://bucket/path)',
    TASK: 'source is the ID of another processing task of the project: its latest completed output is read',
    DATASET: "source is the ID of a dataset of the project: its samples are read with their labels (a published version's with version_id)",
    CUSTOM: 'for resource tenants; not offered here and refused',
  },
  'Where the data comes from',
);

const DatasetName = Type.String({ maxLength: 64, description: 'Name of the dataset (answered, ignored in requests)' });
const VersionName = Type.String({ maxLength: 32, pattern: '^[A-Za-z0-9_-]*$', description: 'Name of a dataset version: up to 32 letters, digits, "_" or "-"' });
const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

export const ProcessorDataSource = Type.Object(
  {
    name: Type.Optional(DatasetName),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The OBS path, task ID or dataset ID, after type' })),
    type: Type.Optional(SourceType),
    version_id: Type.Optional(Id('ID of a published version of the dataset: its samples are read instead of the live ones (DATASET sources)')),
    version_name: Type.Optional(VersionName),
  },
  { ...strict, description: 'One input of a processing task' },
);

export const WorkPath = Type.Object(
  {
    name: Type.Optional(DatasetName),
    output_path: Type.Optional(Type.String({ maxLength: 1024, description: 'Folder the versions write to, as /bucket/path/ (answered; ignored in requests)' })),
    path: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'The OBS folder (type OBS) or the dataset ID (type DATASET) output goes to' }),
    ),
    type: Type.Optional(
      StringCodes(
        ['OBS', 'DATASET'],
        {
          OBS: 'path is an OBS folder',
          DATASET:
            "path is a dataset ID: output goes under the dataset's work path, the kept and new files become its samples and a new version of it is published",
        },
        'Kind of work path',
      ),
    ),
    version_id: Type.Optional(Id('ID of the dataset version the run published (answered for type DATASET once the version completed; ignored in requests)')),
    version_name: Type.Optional(
      Type.String({
        maxLength: 32,
        pattern: '^[A-Za-z0-9_-]*$',
        description: 'Name of the dataset version the run publishes (type DATASET): up to 32 letters, digits, "_" or "-"; default the next V00n',
      }),
    ),
  },
  { ...strict, description: 'Where a processing task writes its output' },
);

/** A value of an operator parameter: the spec sends most as strings ("1920", "True", "[0,1,2]"). */
const ParamValue = Type.Union(
  [
    Type.String({ maxLength: 1024 }),
    Type.Number({ minimum: -1e9, maximum: 1e9 }),
    Type.Boolean(),
    Type.Array(Type.Union([Type.String({ maxLength: 256 }), Type.Number({ minimum: -1e9, maximum: 1e9 })]), { maxItems: 64 }),
  ],
  { description: 'A parameter value: a string, number, boolean or list; numbers and booleans may be sent as strings' },
);

export const OperatorParam = Type.Object(
  {
    advanced_params_switch: Type.Optional(Type.Boolean({ description: 'Whether the advanced parameters are shown (kept, no effect)' })),
    id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of the operator (analyse: sys_data_analyse)' })),
    name: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'Name of the operator: MetaValidation (validation); PCC (cleaning); SimDeduplication (selection); for augmentation one of AddNoise, Flip, Rotate, Crop, Scale, Brightness, Contrast',
      }),
    ),
    params: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), ParamValue, {
        maxProperties: 32,
        description: 'The parameters of the operator; an unknown name or a value of the wrong type or out of range is refused naming it',
      }),
    ),
  },
  { ...strict, description: 'An operator of the template and its parameters' },
);

export const TemplateParam = Type.Object(
  {
    id: Type.Optional(TemplateIdCode),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'Name of the template' })),
    operator_params: Type.Optional(Type.Array(OperatorParam, { maxItems: 16, description: 'The operators the task runs, in order' })),
  },
  { ...strict, description: 'The processing template: its ID and its operators' },
);

const Description = Type.String({ maxLength: 256, pattern: '^[^\\^!<>=&"\']*$', description: 'Free text, up to 256 characters without ^!<>=&"\'' });
const TaskName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Name of the task: 1 to 64 letters, digits, "_" or "-"',
});
const Workspace = Type.String({ minLength: 1, maxLength: 64, description: 'Workspace ID; "0" is the default workspace' });

export const CreateProcessorTaskRequest = Type.Object(
  {
    create_version: Type.Optional(
      Type.Boolean({ description: 'Whether a first version is created and run at once (analyse tasks always run at once)', default: false }),
    ),
    data_source: Type.Optional(ProcessorDataSource),
    description: Type.Optional(Description),
    inputs: Type.Optional(Type.Array(ProcessorDataSource, { minItems: 1, maxItems: 16, description: 'The inputs; give this or data_source' })),
    name: TaskName,
    template: TemplateParam,
    version_id: Type.Optional(Id('ID of the dataset version the task works on')),
    work_path: Type.Optional(WorkPath),
    workspace_id: Type.Optional(Workspace),
  },
  { ...strict, description: 'A new processing task' },
);

export const CreateProcessorTaskVersionRequest = Type.Object(
  {
    create_version: Type.Optional(Type.Boolean({ description: 'Accepted for symmetry with the task create; a version is always created' })),
    data_source: Type.Optional(ProcessorDataSource),
    description: Type.Optional(Description),
    inputs: Type.Optional(Type.Array(ProcessorDataSource, { minItems: 1, maxItems: 16, description: "The inputs of this run; the task's when absent" })),
    name: TaskName,
    template: Type.Optional(TemplateParam),
    version_id: Type.Optional(Id('ID of the dataset version')),
    work_path: Type.Optional(WorkPath),
    workspace_id: Type.Optional(Workspace),
  },
  { ...strict, description: "A new run of the task; fields left out are the task's" },
);

export const UpdateProcessorTaskRequest = Type.Object({ description: Type.Optional(Description) }, { ...strict, description: 'What may change in a task' });

const STATUS_VALUES = [0, 1, 2, 3, 4] as const;
const statusMeanings = { 0: 'initialized (queued)', 1: 'running', 2: 'completed', 3: 'failed', 4: 'stopped' };
const Status = IntCodes(STATUS_VALUES, statusMeanings, 'State of the run');

export const ProcessorTask = Type.Object(
  {
    create_time: Type.Integer({ description: 'When the task was created, epoch milliseconds' }),
    data_source: Type.Optional(ProcessorDataSource),
    description: Type.String({ description: 'Description of the task' }),
    duration_seconds: Type.Integer({ description: 'Running time of the latest version, seconds' }),
    error_msg: Type.Optional(Type.String({ description: 'Why the latest version failed (status 3)' })),
    inputs: Type.Array(ProcessorDataSource, { description: 'The inputs of the task' }),
    is_current: Type.Boolean({ description: 'Whether this is the newest task of its template on its dataset version' }),
    name: Type.String({ description: 'Name of the task' }),
    result: Type.Optional(Type.Unknown({ description: 'Summary of the latest completed version: for analyse, the histograms of each feature' })),
    status: Type.Unsafe<number>({
      type: 'integer',
      enum: [...STATUS_VALUES],
      description: `State of the latest version (0 when none). ${Object.entries(statusMeanings)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
    }),
    task_id: Type.String({ description: 'ID of the task' }),
    template: TemplateParam,
    version_count: Type.Integer({ description: 'How many versions the task has' }),
    version_id: Type.Optional(Type.String({ description: 'ID of the dataset version the task works on' })),
    version_name: Type.Optional(Type.String({ description: 'Name of that dataset version' })),
    work_path: Type.Optional(WorkPath),
    workspace_id: Type.String({ description: 'Workspace ID; "0" is the default' }),
  },
  { description: 'A data processing task' },
);

export const ProcessorTaskList = Type.Object(
  { count: Type.Integer({ description: 'How many tasks match' }), tasks: Type.Array(ProcessorTask, { description: 'The tasks of the page' }) },
  { description: 'A page of processing tasks' },
);

export const CreateProcessorTaskResponse = Type.Object({ task_id: Type.String({ description: 'ID of the new task' }) });
export const CreateProcessorTaskVersionResponse = Type.Object({ version_id: Type.String({ description: 'ID of the new version' }) });

export const ProcessorTaskItem = Type.Object(
  {
    label_en: Type.String({ description: 'Name of the algorithm type in English' }),
    label_zh: Type.String({ description: 'Name of the algorithm type in Chinese' }),
    template_id: TemplateIdCode,
  },
  { description: 'An algorithm type' },
);
export const ProcessorTaskItems = Type.Object(
  {
    items: Type.Array(ProcessorTaskItem, { description: 'The algorithm types of the page' }),
    total: Type.Integer({ description: 'How many types there are' }),
  },
  { description: 'The algorithm types of data processing' },
);

export const ProcessorVersion = Type.Object(
  {
    add_sample_count: Type.Integer({ description: 'Images added by the run' }),
    create_time: Type.Integer({ description: 'When the version was created, epoch milliseconds' }),
    deleted_sample_count: Type.Integer({ description: 'Images the run dropped' }),
    description: Type.String({ description: 'Description of the version' }),
    duration_seconds: Type.Integer({ description: 'Running time, seconds' }),
    error_msg: Type.Optional(Type.String({ description: 'Why the run failed (status 3)' })),
    inputs: Type.Array(ProcessorDataSource, { description: 'The inputs of the run' }),
    modified_sample_count: Type.Integer({ description: 'Images the run changed' }),
    origin_sample_count: Type.Integer({ description: 'Images before the run' }),
    status: Status,
    task_id: Type.String({ description: 'ID of the task' }),
    task_version_id: Type.String({ description: 'ID of the version' }),
    template: TemplateParam,
    unmodified_sample_count: Type.Integer({ description: 'Images kept unchanged' }),
    update_time: Type.Integer({ description: 'When the version last changed, epoch milliseconds' }),
    version_name: Type.String({ description: 'Name of the version: V001, V002, ...' }),
    work_path: Type.Optional(WorkPath),
  },
  { description: 'A version (a run) of a processing task' },
);

export const ProcessorVersionList = Type.Object(
  {
    count: Type.Integer({ description: 'How many versions the task has' }),
    versions: Type.Array(ProcessorVersion, { description: 'The versions of the page' }),
  },
  { description: 'A page of versions' },
);

const PROPERTIES = [-1, 0, 1, 2, 3] as const;
const propertyMeanings = { [-1]: 'all', 0: 'kept', 1: 'modified', 2: 'deleted', 3: 'added' } as Record<(typeof PROPERTIES)[number], string>;

export const ProcessorResult = Type.Object(
  {
    new_source: Type.Optional(Type.String({ description: 'Where the processed file is, obs://bucket/path (absent for a deleted file)' })),
    origin_source: Type.String({ description: 'Where the input file is, obs://bucket/path' }),
    result_description: Type.Array(Type.Array(Type.String()), { description: 'What happened to the file and why, one list per operator' }),
    result_property: IntCodes(PROPERTIES, propertyMeanings, 'What the run did with the file'),
    sample_id: Type.String({ description: 'MD5 of the input path' }),
    signed_new_source: Type.Optional(Type.String({ description: 'The processed file, as a path the object API serves' })),
    signed_origin_source: Type.String({ description: 'The input file, as a path the object API serves' }),
    version_id: Type.String({ description: 'ID of the version' }),
  },
  { description: 'What a run did with one file' },
);

export const ProcessorResultList = Type.Object(
  {
    count: Type.Integer({ description: 'How many results match' }),
    has_more: Type.Boolean({ description: 'Whether results follow this page' }),
    results: Type.Array(ProcessorResult, { description: 'The results of the page' }),
  },
  { description: 'A page of results of a version' },
);

export const TaskParams = Type.Object({ ...ProjectParams.properties, task_id: Id('ID of the processing task') });
export const VersionParams = Type.Object({ ...TaskParams.properties, version_id: Id('ID of the version') });

const Order = StringEnum(['asc', 'desc'], { description: 'Sort order: asc or desc (default)' });
const Offset = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Records to skip', default: 0 });

export const ListProcessorTasksQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Tasks per page, 1 to 100' })),
    offset: Type.Optional(Offset),
    order: Type.Optional(Order),
    query_current: Type.Optional(Type.Boolean({ description: 'Only the newest task of each template and dataset version' })),
    return_result: Type.Optional(Type.Boolean({ description: 'Whether result is included (default true)' })),
    sort_by: Type.Optional(
      StringCodes(
        ['create_time', 'name', 'duration_seconds'],
        { create_time: 'creation time (default)', name: 'task name', duration_seconds: 'running time' },
        'Sort key',
      ),
    ),
    source: Type.Optional(Type.String({ maxLength: 1024, description: 'Only tasks with an input of this source' })),
    source_type: Type.Optional(SourceType),
    status: Type.Optional(Status),
    task_name: Type.Optional(Type.String({ maxLength: 64, description: 'Only tasks whose name contains this' })),
    task_type: Type.Optional(TemplateIdCode),
    version_id: Type.Optional(Type.Array(Id('A dataset version ID'), { maxItems: 100, description: 'Only tasks on these dataset versions' })),
    workspace_id: Type.Optional(Workspace),
  },
  strict,
);

export const ItemsQuery = Type.Object(
  {
    offset: Type.Optional(Offset),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'Types per page, 1 to 1000' })),
  },
  strict,
);

export const ListVersionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100, description: 'Versions per page, 1 to 100' })),
    offset: Type.Optional(Offset),
    order: Type.Optional(Order),
    sort_by: Type.Optional(StringCodes(['create_time', 'version_name'], { create_time: 'creation time (default)', version_name: 'version name' }, 'Sort key')),
  },
  strict,
);

export const ListResultsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Results per page, 1 to 100' })),
    offset: Type.Optional(Offset),
    process_parameter: Type.Optional(Type.String({ maxLength: 256, description: 'Image resizing of the signed URLs (accepted, not applied)' })),
    result_property: Type.Optional(
      Type.String({ pattern: '^(-1|0|1|2|3)$', description: 'Only results of this kind: -1 all (default), 0 kept, 1 modified, 2 deleted, 3 added' }),
    ),
  },
  strict,
);
