import { Type, type Static } from 'typebox';
import { IntCodes, StringCodes } from '#src/core/schemas.ts';
import { PageOffset } from '#src/core/request-bounds.ts';

export const TASK_TYPES = ['auto-label', 'pre-label', 'auto-grouping'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
const TASK_TYPE_MEANINGS: Record<TaskType, string> = {
  'auto-label': 'active learning: a model trained on the labeled samples labels the rest',
  'pre-label': "pre-labeling: the caller's own model (model_id) labels the unlabeled samples",
  'auto-grouping': 'auto grouping: the unlabeled samples are clustered into n_clusters groups',
};

export const TaskParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  task_id: Type.String({ minLength: 1, maxLength: 64, description: 'ID of the intelligent task' }),
});

/** One model deployment of an inference task (InfConfig); pre-labeling runs its first entry. */
export const InfConfig = Type.Object(
  {
    envs: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 2048 }), {
        maxProperties: 64,
        description: 'Environment variables of the model instance, at most 64',
      }),
    ),
    instance_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1, description: 'Instances of the model: pre-labeling runs one' })),
    model_id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of the model; kept as given (config.model_id names the model that runs)' })),
    specification: Type.Optional(
      Type.String({ maxLength: 64, description: 'Flavor of the instance (e.g. modelarts.vm.cpu.2u, see the service specifications); default one core, 1 GiB' }),
    ),
    weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Traffic weight, 0 to 100; kept as given (one model runs)' })),
  },
  { description: 'How the model instance of a pre-label task runs' },
);

const SearchCondition = Type.Object(
  {
    coefficient: Type.Optional(Type.String({ maxLength: 64, description: 'Difficulty coefficient filter' })),
    frame_in_video: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'A frame of a video' })),
    hard: Type.Optional(StringCodes(['0', '1'] as const, { 0: 'not a hard example', 1: 'a hard example' }, 'Hard example filter')),
    import_origin: Type.Optional(Type.String({ maxLength: 64, description: 'Data source filter' })),
    kvp: Type.Optional(Type.String({ maxLength: 64, description: 'Dosage filter' })),
    labeler: Type.Optional(Type.String({ maxLength: 128, description: 'Labeler filter' })),
    parent_sample_id: Type.Optional(Type.String({ maxLength: 64, description: 'Parent sample ID filter' })),
    sample_dir: Type.Optional(Type.String({ maxLength: 1024, description: 'Folder of the samples, ending with a slash' })),
    sample_name: Type.Optional(Type.String({ maxLength: 1024, description: 'Sample file name filter' })),
    sample_time: Type.Optional(Type.String({ maxLength: 64, description: 'When samples were added (month, day, or a range)' })),
    score: Type.Optional(Type.String({ maxLength: 64, description: 'Confidence range filter' })),
  },
  { description: 'One condition of the samples to export; conditions are alternatives' },
);

/** Export parameters (ExportParams): accepted, kept with the task and shown back as given. */
export const ExportParams = Type.Object(
  {
    clear_hard_property: Type.Optional(Type.Boolean({ description: 'Whether hard example marks are cleared (default true)' })),
    export_dataset_version_format: Type.Optional(Type.String({ maxLength: 64, description: 'Format of the dataset version exported to' })),
    export_dataset_version_name: Type.Optional(Type.String({ maxLength: 64, description: 'Name of the dataset version exported to' })),
    export_dest: Type.Optional(
      StringCodes(['DIR', 'NEW_DATASET'] as const, { DIR: 'to OBS (default)', NEW_DATASET: 'to a new dataset' }, 'Where the export goes'),
    ),
    export_new_dataset_name: Type.Optional(Type.String({ maxLength: 100, description: 'Name of the new dataset exported to' })),
    export_new_dataset_work_path: Type.Optional(Type.String({ maxLength: 1024, description: 'Work folder of the new dataset exported to' })),
    ratio_sample_usage: Type.Optional(Type.Boolean({ description: 'Whether samples are split into training and validation by train_sample_ratio' })),
    sample_state: Type.Optional(Type.String({ maxLength: 64, description: 'State of the samples exported (e.g. __ALL__, __NONE__, __AUTO_ANNOTATION__)' })),
    samples: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10000, description: 'IDs of the samples exported, at most 10000' })),
    search_conditions: Type.Optional(Type.Array(SearchCondition, { maxItems: 32, description: 'Conditions of the samples exported, at most 32' })),
    train_sample_ratio: Type.Optional(Type.String({ maxLength: 16, description: 'Share of training samples, 0 to 1 (default 1.00)' })),
  },
  { description: 'How results would be exported: kept with the task and shown back' },
);

const CONFIDENCE_SCOPE = '^(0(\\.\\d+)?|1(\\.0+)?)-(0(\\.\\d+)?|1(\\.0+)?)$';

/** The task configuration (SmartTaskConfig): the fields this server acts on, and a few it keeps as given. */
export const SmartTaskConfig = Type.Object(
  {
    algorithm_type: Type.Optional(
      StringCodes(
        ['fast', 'accurate'] as const,
        { fast: 'learn from the labeled samples only (default)', accurate: 'also learn from the unlabeled samples (self-training)' },
        'How auto labeling learns',
      ),
    ),
    ambiguity: Type.Optional(Type.Boolean({ description: 'Auto grouping: also group by how blurred images are (sharpness joins the features)' })),
    collect_rule: Type.Optional(StringCodes(['all'] as const, { all: 'every sample is collected' }, 'Which samples are collected; only all')),
    collect_sample: Type.Optional(Type.Boolean({ description: 'Whether hard examples are flagged on the predictions (default true)' })),
    confidence_scope: Type.Optional(
      Type.String({
        maxLength: 32,
        pattern: CONFIDENCE_SCOPE,
        description: 'Confidences, low-high within [0,1] (e.g. 0.10-0.90), of predictions flagged as hard examples; default: below 0.8',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 256, description: 'Description of the task, kept as given' })),
    export_params: Type.Optional(ExportParams),
    flavor: Type.Optional(
      Type.Object(
        { code: Type.Optional(Type.String({ maxLength: 64, description: 'Resource flavor of the learner, e.g. modelarts.vm.cpu.2u (its cores and memory)' })) },
        { description: 'Resources of the learner (auto labeling, auto grouping); default one core, 1 GiB' },
      ),
    ),
    image_brightness: Type.Optional(Type.Boolean({ description: 'Auto grouping: also group by image brightness' })),
    image_colorfulness: Type.Optional(Type.Boolean({ description: 'Auto grouping: also group by how colourful images are' })),
    inf_config_list: Type.Optional(Type.Array(InfConfig, { maxItems: 1, description: 'Pre-labeling: how the model instance runs, at most one entry' })),
    model_id: Type.Optional(Type.String({ maxLength: 64, description: 'Pre-labeling: ID of the model that labels the samples' })),
    n_clusters: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, description: 'Auto grouping: number of groups, 2 to 100 (required there)' })),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'Name of the task (default: the task type and the start time)' })),
    pool_id: Type.Optional(Type.String({ maxLength: 64, description: 'The dedicated resource pool the task runs in; default the public pool' })),
    property: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[^@]',
        description: 'Auto grouping: the sample attribute (metadata key) the group number is written to (default group); not starting with @',
      }),
    ),
    result_type: Type.Optional(
      IntCodes(
        [0, 1] as const,
        { 0: 'keep the groups in the task result only', 1: 'also write each group into its samples (default)' },
        'Auto grouping: where groups go',
      ),
    ),
  },
  { description: 'How the task runs: the algorithm, the groups, the range of hard examples' },
);
export type SmartTaskConfig = Static<typeof SmartTaskConfig>;

export const CreateTaskRequest = Type.Object({
  collect_key_sample: Type.Optional(Type.Boolean({ description: 'Whether hard examples are flagged; accepted, collect_sample decides' })),
  config: Type.Optional(SmartTaskConfig),
  model_id: Type.Optional(Type.String({ maxLength: 64, description: 'Pre-labeling: ID of the model that labels the samples' })),
  task_type: Type.Optional(StringCodes(TASK_TYPES, TASK_TYPE_MEANINGS, 'Kind of task (default auto-label)')),
});
export type CreateTaskRequest = Static<typeof CreateTaskRequest>;

export const CreateTaskResponse = Type.Object({ task_id: Type.String({ description: 'ID of the new task' }) });

const STATUS_MEANINGS = {
  [-1]: 'queued',
  0: 'initialised',
  1: 'running',
  2: 'failed',
  3: 'succeeded',
  4: 'stopping',
  5: 'stopped',
} as const;
const StatusCodes = () => IntCodes([-1, 0, 1, 2, 3, 4, 5] as const, STATUS_MEANINGS, 'Task status');

export const TaskResult = Type.Object(
  {
    annotated_sample_count: Type.Integer({ description: 'Samples labeled by hand that the task learned from' }),
    confidence_scope: Type.Optional(Type.String({ description: 'Confidences of predictions flagged as hard examples, low-high' })),
    dataset_name: Type.String({ description: 'Name of the dataset' }),
    dataset_type: Type.String({ description: 'Type of the dataset, as its number: 0 image classification, 100 text classification, ...' }),
    hard_example_count: Type.Optional(Type.Integer({ description: 'Predictions flagged as hard examples' })),
    total_sample_count: Type.Integer({ description: 'Samples the task worked on: labeled and unlabeled' }),
    unconfirmed_sample_count: Type.Integer({ description: 'Samples the task labeled that await confirmation (auto labeling) or grouped (auto grouping)' }),
  },
  { description: 'What the task worked on and produced' },
);

export const TaskDetail = Type.Object({
  code: Type.Optional(Type.String({ description: 'Status code of the run: the error code when it failed' })),
  config: SmartTaskConfig,
  create_time: Type.String({ description: 'When the task was created, epoch ms as a string' }),
  elapsed_time: Type.Integer({ description: 'How long it has run, in seconds' }),
  error_code: Type.Optional(Type.String({ description: 'Why it failed: the error code' })),
  error_detail: Type.Optional(Type.String({ description: 'Why it failed, in full' })),
  error_msg: Type.Optional(Type.String({ description: 'Why it failed' })),
  export_type: Type.Optional(
    IntCodes([0, 1] as const, { 0: 'groups kept in the task result', 1: 'groups written into sample attributes' }, 'Auto grouping: where the groups went'),
  ),
  message: Type.String({ description: 'What the task is doing or did' }),
  progress: Type.Number({ description: 'Progress, 0 to 100' }),
  result: TaskResult,
  status: StatusCodes(),
  task_id: Type.String({ description: 'Task ID' }),
  task_name: Type.String({ description: 'Task name' }),
});
export type TaskDetail = Static<typeof TaskDetail>;

export const RunningTask = Type.Object({
  annotated_sample_count: Type.Integer({ description: 'Samples labeled by hand that the task learned from' }),
  code: Type.Optional(Type.String({ description: 'The error code when it failed' })),
  config: SmartTaskConfig,
  create_time: Type.String({ description: 'When the task was created, epoch ms as a string' }),
  dataset_id: Type.String({ description: 'Dataset ID' }),
  elapsed_time: Type.Integer({ description: 'How long it has run, in seconds' }),
  error_code: Type.Optional(Type.String({ description: 'Why it failed: the error code' })),
  error_msg: Type.Optional(Type.String({ description: 'Why it failed' })),
  message: Type.String({ description: 'What the task is doing or did' }),
  progress: Type.Number({ description: 'Progress, 0 to 100' }),
  result: TaskResult,
  status: StatusCodes(),
  task_id: Type.String({ description: 'Task ID' }),
  task_name: Type.String({ description: 'Task name' }),
  total_sample_count: Type.Integer({ description: 'Samples the task worked on' }),
  type: IntCodes([0, 1, 2] as const, { 0: 'auto-label', 1: 'pre-label', 2: 'auto-grouping' }, 'Kind of task'),
  unconfirmed_sample_count: Type.Integer({ description: 'Samples it labeled or grouped' }),
});

export const ListTasksQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Tasks per page, 1 to 100' }),
  offset: PageOffset,
  task_name: Type.Optional(Type.String({ maxLength: 64, description: 'Only tasks whose name contains this' })),
  type: Type.Optional(StringCodes(TASK_TYPES, TASK_TYPE_MEANINGS, 'Only tasks of this kind (default: auto-label and pre-label)')),
});
export type ListTasksQuery = Static<typeof ListTasksQuery>;

export const ListTasksResponse = Type.Object({
  exist_running_deploy_task: Type.Boolean({ description: 'Whether a model deployment of the dataset runs: never here' }),
  tasks: Type.Array(RunningTask, { description: 'This page of tasks, newest first' }),
  total_count: Type.Integer({ description: 'Tasks that match' }),
});

export const StopTaskResponse = Type.Object({}, { description: 'Empty: the task is stopping' });
