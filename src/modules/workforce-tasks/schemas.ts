import { Type, type Static } from 'typebox';
import { IntCodes, ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { ListOf, PageLimit, PageOffset } from '#src/core/request-bounds.ts';
import { DescribeSampleResp, SampleLabel } from '#src/modules/samples/index.ts';
import { Worker } from '#src/modules/workforces/index.ts';
import { CheckTaskStats } from './acceptance-schemas.ts';
import { TaskLabelStats, TaskSampleStateParam } from './stats-schemas.ts';

const DESCRIPTION_PATTERN = `^[^\\^!<>=&"']*$`;
export const TASK_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const MAX_TASK_WORKFORCES = 20;
export const MAX_TASK_WORKERS = 1000;

export const TASK_STATUS_MEANINGS = {
  0: 'starting: the samples are being assigned',
  1: 'running: members label and review',
  2: 'accepting: an acceptance is open',
  3: 'accepted: the task is done',
  4: 'rejected: the labels go back for labeling and review',
  5: 'syncing the accepted labels into the dataset',
  6: 'created, not started: only the owner and administrator see it',
} as const;
const TASK_STATUSES = [0, 1, 2, 3, 4, 5, 6] as const;
const ROLE_MEANINGS = { 0: 'labeler', 1: 'reviewer', 2: 'team administrator', 3: 'dataset owner' } as const;

export const DatasetTaskParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
});
export const TaskParams = Type.Object({
  ...DatasetTaskParams.properties,
  workforce_task_id: Type.String({ minLength: 1, maxLength: 64, description: 'Team labeling task ID' }),
});
export const TaskSampleParams = Type.Object({
  ...TaskParams.properties,
  sample_id: Type.String({ minLength: 1, maxLength: 64, description: 'Sample ID' }),
});

const WorkerRef = Type.Object(
  {
    create_time: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted and ignored' })),
    description: Type.Optional(Type.String({ maxLength: 256, description: 'Accepted and ignored' })),
    email: Type.Optional(Type.String({ maxLength: 256, description: 'E-mail of a member of the team, naming them when worker_id is absent' })),
    role: Type.Optional(IntCodes([0, 1, 2, 3] as const, ROLE_MEANINGS, 'Accepted and ignored: the member takes part in the role the team gives them')),
    status: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'Accepted and ignored' })),
    update_time: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted and ignored' })),
    worker_id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of a member of the team' })),
    workforce_id: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored (the enclosing team is used)' })),
  },
  { description: 'A member of the team, by worker_id or email' },
);

const WorkforceConfigIn = Type.Object(
  {
    workers: Type.Optional(ListOf(WorkerRef, MAX_TASK_WORKERS, 'Members of the team taking part; absent or []: every member of the team')),
    workforce_id: Type.Optional(Type.String({ maxLength: 64, description: 'ID of a labeling team of the project (required)' })),
    workforce_name: Type.Optional(Type.String({ maxLength: 1024, description: 'Team name; accepted and ignored (workforce_id names the team)' })),
  },
  { description: 'One team taking part' },
);

export const WorkforcesConfigIn = Type.Object(
  {
    agency: Type.Optional(
      Type.String({
        maxLength: 256,
        description: "E-mail of a team administrator (role 2) of the task's teams: the samples wait unassigned for them to assign; absent: split evenly",
      }),
    ),
    workforces: Type.Optional(ListOf(WorkforceConfigIn, MAX_TASK_WORKFORCES, 'Teams that label the task, with the members taking part')),
  },
  { description: 'Who labels: the teams and members taking part, and whether an administrator assigns the samples' },
);
export type WorkforcesConfigIn = Static<typeof WorkforcesConfigIn>;

export const CreateWorkforceTaskRequest = Type.Object({
  auto_sync_dataset: Type.Optional(
    Type.Boolean({ description: 'true (default): accepted labels are written into the dataset when an acceptance passes; false: they stay in the task' }),
  ),
  data_sync_type: Type.Optional(
    IntCodes(
      [0, 1, 2, 3] as const,
      {
        0: 'nothing beyond the other settings',
        1: 'data: samples added to the dataset later join the running task, as with synchronize_data',
        2: 'labels: a passed acceptance writes the accepted labels into the dataset, as with auto_sync_dataset',
        3: 'data and labels',
      },
      'What is synchronized between the dataset and the task (default 0)',
    ),
  ),
  description: Type.Optional(
    Type.String({ maxLength: 256, pattern: DESCRIPTION_PATTERN, description: `Task description: 0 to 256 characters, none of ^ ! < > = & " '` }),
  ),
  repetition: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: 'How many labelers label each sample, 1 (default) to 100; at most the number of labelers' }),
  ),
  sample_conditions: Type.Optional(
    Type.String({
      maxLength: 65_536,
      description: 'A JSON list of SearchCondition objects (as ListSamples takes): the samples matching any of them; absent: every sample',
    }),
  ),
  synchronize_auto_labeling_data: Type.Optional(
    Type.Boolean({ description: 'true: labels awaiting confirmation are given to the members with the samples (default false)' }),
  ),
  synchronize_data: Type.Optional(
    Type.Boolean({ description: 'true: samples added to the dataset later join the task while it runs, split among the labelers as before (default false)' }),
  ),
  task_name: Type.Optional(
    Type.String({ pattern: TASK_NAME_PATTERN, description: "Task name: 1 to 64 letters, digits, '_' or '-', unique in the dataset (required)" }),
  ),
  workforces_config: Type.Optional(WorkforcesConfigIn),
});
export type CreateWorkforceTaskRequest = Static<typeof CreateWorkforceTaskRequest>;

export const CreateWorkforceTaskResponse = Type.Object({ task_id: Type.String({ description: 'ID of the new task' }) });

export const StartWorkforceTaskRequest = Type.Object({
  dataset_id: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored (the path names the dataset)' })),
  task_id: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored (the path names the task)' })),
  workforces_config: Type.Optional(WorkforcesConfigIn),
});

export const UpdateWorkforceTaskRequest = Type.Object({
  dataset_id: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored (the path names the dataset)' })),
  description: CreateWorkforceTaskRequest.properties.description,
  task_id: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored (the path names the task)' })),
  task_name: Type.Optional(Type.String({ pattern: TASK_NAME_PATTERN, description: "New task name: 1 to 64 letters, digits, '_' or '-'" })),
  workforces_config: Type.Optional(WorkforcesConfigIn),
});
export type UpdateWorkforceTaskRequest = Static<typeof UpdateWorkforceTaskRequest>;

export const DescribeTaskQuery = Type.Object({
  label_stats: Type.Optional(Type.Boolean({ description: "true: add label_stats (the dataset's labels with their use in the task's copies)" })),
  sample_stats: Type.Optional(Type.Boolean({ description: 'true: add sample_stats (copies by state)' })),
  workforce_stats: Type.Optional(Type.Boolean({ description: 'true: add workforce_stats and worker_stats (members and their progress)' })),
});

export const SampleStats = Type.Object(
  {
    accepted_sample_count: Type.Integer({ description: 'Copies the owner accepted' }),
    auto_annotation_sample_count: Type.Integer({ description: 'Copies with labels awaiting confirmation (always 0: members confirm by saving)' }),
    deleted_sample_count: Type.Integer({ description: 'Copies of samples since deleted from the dataset' }),
    rejected_sample_count: Type.Integer({ description: 'Copies refused by review or acceptance, back with their labeler' }),
    sampled_sample_count: Type.Integer({ description: 'Copies sampled by the open acceptance (0 when none is open)' }),
    total_sample_count: Type.Integer({ description: 'All copies' }),
    unannotated_sample_count: Type.Integer({ description: 'Copies not labeled yet' }),
    uncheck_sample_count: Type.Integer({ description: 'Copies the review passed, waiting for acceptance' }),
    unreviewed_sample_count: Type.Integer({ description: 'Copies labeled, waiting for review' }),
  },
  { description: 'Copies of the samples by state' },
);
export type SampleStats = Static<typeof SampleStats>;

export const WorkforceStats = Type.Object(
  {
    labeler_count: Type.Integer({ description: 'Labelers in the task' }),
    reviewer_count: Type.Integer({ description: 'Reviewers in the task' }),
    workforce_count: Type.Integer({ description: 'Teams in the task' }),
  },
  { description: 'How many teams, labelers and reviewers the task has' },
);

export const WorkerTask = Type.Object({
  create_time: Type.Integer({ description: 'When the member joined the task, ms since the epoch' }),
  dataset_id: Type.String({ description: 'Dataset of the task' }),
  dataset_type: Type.Integer({ description: 'Labeling type of the dataset (as its dataset_type)' }),
  email: Type.String({ description: "The member's e-mail" }),
  email_status: IntCodes([0, 1, 2, 3] as const, { 0: 'not sent', 1: 'bad address', 2: 'unreachable', 3: 'sent' }, 'Notification mail of this task'),
  last_notify_time: Type.Integer({ description: 'Last notification mail, ms since the epoch; 0 when none' }),
  pass_rate: Type.Number({ description: "Share of the member's checked copies the acceptance passed, 0 to 1" }),
  role: IntCodes([0, 1, 2, 3] as const, ROLE_MEANINGS, "The member's role in the task"),
  sample_stats: SampleStats,
  score: Type.Number({ description: "Average acceptance score of the member's copies (A 4 ... D 1); 0 when none" }),
  task_id: Type.String({ description: 'Team labeling task ID' }),
  task_status: IntCodes(TASK_STATUSES, TASK_STATUS_MEANINGS, 'Status of the task'),
  update_time: Type.Integer({ description: 'Last change of the task, ms since the epoch' }),
  worker_id: Type.String({ description: 'Team member ID' }),
  workforce_task_name: Type.String({ description: 'Task name' }),
});
export type WorkerTask = Static<typeof WorkerTask>;

const WorkforceConfigOut = Type.Object(
  {
    workers: Type.Array(Worker, { description: 'Members taking part' }),
    workforce_id: Type.String({ description: 'Labeling team ID' }),
    workforce_name: Type.String({ description: 'Team name' }),
  },
  { description: 'One team taking part' },
);
export const WorkforcesConfigOut = Type.Object(
  {
    agency: Type.Optional(Type.String({ description: 'E-mail of the administrator assigning the samples; absent when they are split evenly' })),
    workforces: Type.Array(WorkforceConfigOut, { description: 'Teams of the task' }),
  },
  { description: 'Who labels: the teams and members taking part' },
);

export const CheckingTaskDesc = Type.Object(
  {
    checking_stats: Type.Object(CheckTaskStats.properties, { description: 'The figures of the running acceptance so far' }),
    checking_task_id: Type.String({ description: 'ID of the running acceptance' }),
    overwrite_last_result: Type.Boolean({ description: 'Whether its labels replace labels the dataset already has (set when it ends)' }),
    total_stats: Type.Object(CheckTaskStats.properties, { description: 'The figures summed over every acceptance of the task' }),
  },
  { description: 'The acceptance running on the task; absent when none runs' },
);

export const WorkforceTask = Type.Object({
  auto_sync_dataset: Type.Boolean({ description: 'Accepted labels are written into the dataset when an acceptance passes' }),
  check_rate: Type.Number({ description: "Copies drawn by the task's acceptances over the reviewed copies, 0 to 1; 0 before any acceptance" }),
  checking_task_desc: Type.Optional(CheckingTaskDesc),
  create_time: Type.Integer({ description: 'When the task was created, ms since the epoch' }),
  data_sync_type: Type.Integer({ description: 'What is synchronized: 0 none, 1 data, 2 labels, 3 data and labels' }),
  dataset_id: Type.String({ description: 'Dataset ID' }),
  description: Type.String({ description: 'Task description' }),
  label_stats: Type.Optional(Type.Array(TaskLabelStats, { description: "The dataset's labels with their use in the task's copies (with label_stats=true)" })),
  pass_rate: Type.Number({ description: "Copies the task's acceptances passed over those they checked, 0 to 1; 0 before any check" }),
  repetition: Type.Integer({ description: 'Labelers per sample' }),
  sample_search_conditions: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
    description: 'The conditions that chose the samples; [] for every sample',
  }),
  sample_stats: Type.Optional(SampleStats),
  score: Type.Number({ description: "Mean grade of the task's scored acceptance verdicts as points (A 4, B 3, C 2, D 1); 0 when none is scored" }),
  status: IntCodes(TASK_STATUSES, TASK_STATUS_MEANINGS, 'Task status'),
  synchronize_auto_labeling_data: Type.Boolean({ description: 'Labels awaiting confirmation go to the members' }),
  synchronize_data: Type.Boolean({ description: 'Samples added later join the task' }),
  task_id: Type.String({ description: 'Team labeling task ID' }),
  task_name: Type.String({ description: 'Task name' }),
  update_time: Type.Integer({ description: 'Last change, ms since the epoch' }),
  version_id: Type.Optional(Type.String({ description: 'Dataset version the samples came from; absent for the working samples' })),
  worker_stats: Type.Optional(Type.Array(WorkerTask, { description: "Each member's progress (with workforce_stats)" })),
  workforce_stats: Type.Optional(WorkforceStats),
  workforces_config: WorkforcesConfigOut,
});
export type WorkforceTask = Static<typeof WorkforceTask>;

export const ListTasksQuery = Type.Object({ limit: PageLimit(1000, 1000), offset: PageOffset });
export const WorkforceTaskList = Type.Object({
  count: Type.Integer({ description: 'Tasks of the dataset, over all pages' }),
  tasks: Type.Array(WorkforceTask, { description: 'This page of tasks, newest first' }),
});

export const ListWorkerTasksQuery = Type.Object({
  limit: PageLimit(100, 10),
  offset: PageOffset,
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (default)' }, 'Sort order')),
  search_content: Type.Optional(Type.String({ maxLength: 256, description: 'Only tasks whose name contains this text, ignoring case' })),
  sort_by: Type.Optional(StringCodes(['create_time', 'task_name'] as const, { create_time: 'creation time (default)', task_name: 'task name' }, 'Sort key')),
});
export const WorkerTaskList = Type.Object({
  count: Type.Integer({ description: "The caller's started tasks, over all pages" }),
  worker_tasks: Type.Array(WorkerTask, { description: 'This page of tasks' }),
});

/** One member's copy of a sample as the task's sample pages show it: the sample with that member's labels and review. */
export const TaskSample = Type.Object({
  ...DescribeSampleResp.properties,
  check_accept: Type.Optional(Type.Boolean({ description: 'Verdict of the acceptance that checked this copy; absent when unchecked' })),
  check_comment: Type.Optional(Type.String({ description: 'Comment of that acceptance check' })),
  check_score: Type.Optional(Type.String({ description: 'Score of that acceptance check: A, B, C or D' })),
  labelers: Type.Array(Worker, { description: 'The members the sample is assigned to (several with repetition)' }),
  review_accept: Type.Optional(Type.Boolean({ description: 'Reviewer verdict; absent until reviewed' })),
  review_comment: Type.Optional(Type.String({ description: 'Reviewer comment' })),
  review_score: Type.Optional(Type.String({ description: 'Reviewer score: A, B, C or D' })),
  worker_id: Type.String({ description: 'The member whose copy this is' }),
});
export type TaskSample = Static<typeof TaskSample>;

export const TaskSampleList = Type.Object({
  sample_count: Type.Integer({ description: 'Copies matching the filters, over all pages' }),
  samples: Type.Array(TaskSample, { description: 'This page of copies, in sample order' }),
});

export const ListTaskSamplesQuery = Type.Object({
  label_name: Type.Optional(Type.String({ maxLength: 1024, description: 'Accepted and ignored' })),
  label_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Accepted and ignored' })),
  limit: PageLimit(100, 10),
  locale: Type.Optional(Type.String({ maxLength: 32, description: 'Accepted and ignored' })),
  offset: PageOffset,
  process_parameter: Type.Optional(Type.String({ maxLength: 256, description: 'Accepted and ignored' })),
  sample_state: Type.Optional(TaskSampleStateParam),
  search_conditions: Type.Optional(Type.String({ maxLength: 8192, description: 'Accepted and ignored' })),
  worker_id: Type.Optional(Type.String({ maxLength: 64, description: "Owner only: one member's copies; a member always sees only their own" })),
});
export type ListTaskSamplesQuery = Static<typeof ListTaskSamplesQuery>;

export const DescribeTaskSampleQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 32, description: 'Accepted and ignored' })),
  sample_state: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored' })),
  worker_id: Type.Optional(Type.String({ maxLength: 64, description: "Owner only: that member's copy (default: the first); a member always gets their own" })),
});

export const TaskSampleLabels = Type.Object(
  {
    labels: Type.Optional(ListOf(SampleLabel, 1000, "The member's labels of the sample, replacing their earlier ones; [] clears them")),
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { maxProperties: 64, description: 'Accepted and ignored' })),
    sample_id: Type.Optional(Type.String({ maxLength: 64, description: 'Sample ID (required)' })),
    sample_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Accepted and ignored' })),
    sample_usage: Type.Optional(Type.String({ maxLength: 32, description: 'Accepted and ignored' })),
    source: Type.Optional(Type.String({ maxLength: 2048, description: 'Accepted and ignored' })),
    worker_id: Type.Optional(Type.String({ maxLength: 64, description: "Accepted and ignored: the copy saved is always the caller's own" })),
  },
  { description: 'The labels the calling member gives one sample' },
);
export const UpdateTaskSamplesRequest = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 256, description: 'Accepted and ignored: the caller is the member' })),
  samples: Type.Optional(ListOf(TaskSampleLabels, 1000, 'Copies to label, at least one')),
});
export type UpdateTaskSamplesRequest = Static<typeof UpdateTaskSamplesRequest>;

export const SendEmailsRequest = Type.Object({
  emails: ListOf(Type.String({ minLength: 3, maxLength: 256, description: "A member's e-mail" }), 1000, "E-mails of the task's members to notify"),
});
