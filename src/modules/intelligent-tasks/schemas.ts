import { Type, type Static } from 'typebox';
import { IntCodes, StringCodes } from '#src/core/schemas.ts';
import { PageOffset } from '#src/core/request-bounds.ts';

export const TASK_TYPES = ['auto-label', 'pre-label', 'auto-grouping'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
const TASK_TYPE_MEANINGS: Record<TaskType, string> = {
  'auto-label': 'active learning: a model trained on the labeled samples labels the rest',
  'pre-label': "pre-labeling: the caller's own model (model_id) labels the samples (not served here)",
  'auto-grouping': 'auto grouping: the unlabeled samples are clustered into n_clusters groups',
};

export const TaskParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  task_id: Type.String({ minLength: 1, maxLength: 64, description: 'ID of the intelligent task' }),
});

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
    image_brightness: Type.Optional(Type.Boolean({ description: 'Auto grouping: also group by image brightness' })),
    image_colorfulness: Type.Optional(Type.Boolean({ description: 'Auto grouping: also group by how colourful images are' })),
    model_id: Type.Optional(Type.String({ maxLength: 64, description: 'Pre-labeling: ID of the model that labels the samples' })),
    n_clusters: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, description: 'Auto grouping: number of groups, 2 to 100 (required there)' })),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'Name of the task (default: the task type and the start time)' })),
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
