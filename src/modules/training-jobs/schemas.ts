import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { Closed, ListOf, PageLimit, RecordOffset, StringMap, Text } from '#src/core/request-bounds.ts';
import { Description, Engine, JobAutoSearch, Parameter, ResourceName, TrainingPageFields } from '#src/modules/algorithms/index.ts';
import { Billing, JobFlavorInfo } from './resource-schemas.ts';

const ObsLocation = Type.Object({ obs_url: Type.String({ minLength: 1, maxLength: 1024 }) });

// Channels are kept as sent (with local_dir and remote filled in) and answered back: an undeclared
// key is a 400, as in parameters and policies.auto_search (see the algorithms' schemas). What is read
// field by field (metadata, remote, engine, spec) drops what it does not declare, so a job fetched
// and sent back as it is still goes through.
export const JobInput = Closed({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  local_dir: Type.Optional(Type.String({ maxLength: 1024 })),
  remote: Type.Object({
    dataset: Type.Optional(
      Type.Object({
        id: Type.String({ minLength: 1, maxLength: 64 }),
        version_id: Type.String({ minLength: 1, maxLength: 64 }),
        obs_url: Type.Optional(Type.String({ maxLength: 1024 })),
      }),
    ),
    obs: Type.Optional(ObsLocation),
  }),
  remote_constraint: Type.Optional(ListOf(Closed({ data_type: Type.Optional(Text(64)), attributes: Type.Optional(Text(1024)) }), 10)),
});
export type JobInput = Static<typeof JobInput>;

export const JobOutput = Closed({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  local_dir: Type.Optional(Type.String({ maxLength: 1024 })),
  remote: Type.Object({ obs: ObsLocation }),
});
export type JobOutput = Static<typeof JobOutput>;

const Environments = Type.Array(Type.Record(Type.String(), Type.String()));
const EnvironmentMap = StringMap(100, 4096, 'Environment variables');
const EnvironmentsRequest = ListOf(EnvironmentMap, 10);

export const JobAlgorithmRequest = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  name: Type.Optional(Type.String({ maxLength: 64 })),
  subscription_id: Type.Optional(Type.String({ maxLength: 64 })),
  item_version_id: Type.Optional(Type.String({ maxLength: 64 })),
  code_dir: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  boot_file: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  autosearch_config_path: Type.Optional(Type.String({ maxLength: 1024 })),
  autosearch_framework_path: Type.Optional(Type.String({ maxLength: 1024 })),
  command: Type.Optional(Type.String({ maxLength: 4096 })),
  parameters: Type.Optional(Type.Array(Parameter, { maxItems: 100 })),
  policies: Type.Optional(Type.Object({ auto_search: Type.Optional(Type.Union([JobAutoSearch, Type.Null()])) })),
  inputs: Type.Optional(Type.Array(JobInput, { maxItems: 20 })),
  outputs: Type.Optional(Type.Array(JobOutput, { maxItems: 20 })),
  engine: Type.Optional(Engine),
  local_code_dir: Type.Optional(Type.String({ maxLength: 1024 })),
  working_dir: Type.Optional(Type.String({ maxLength: 1024 })),
  // The table says an array of maps; the spec's examples send one map. Both are taken.
  environments: Type.Optional(Type.Union([EnvironmentsRequest, EnvironmentMap])),
});
export type JobAlgorithmRequest = Static<typeof JobAlgorithmRequest>;

export const CreateTrainingJobRequest = Type.Object({
  kind: StringEnum(['job'] as const, { default: 'job' }),
  // id, create_time and user_name are the server's: a value sent is ignored.
  metadata: Type.Object({
    id: Type.Optional(Text(64)),
    name: ResourceName,
    workspace_id: Type.Optional(Text(64)),
    description: Type.Optional(Description),
    create_time: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    user_name: Type.Optional(Text(64)),
    annotations: Type.Optional(StringMap(20, 256)),
  }),
  algorithm: Type.Optional(JobAlgorithmRequest),
  // Heterogeneous jobs are refused (see JobBuilder); the bound keeps a refused body small.
  tasks: Type.Optional(ListOf(Type.Unknown(), 10, 'Not available here: leave it out or empty')),
  spec: Type.Optional(
    Type.Object({
      resource: Type.Optional(
        Type.Object({
          flavor_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          node_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
          pool_id: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      ),
      volumes: Type.Optional(ListOf(Type.Unknown(), 10, 'NFS volumes: not available here; leave it out or empty')),
      log_export_path: Type.Optional(
        Type.Object({ obs_url: Type.Optional(Type.String({ maxLength: 1024 })), host_path: Type.Optional(Type.String({ maxLength: 1024 })) }),
      ),
    }),
  ),
});
export type CreateTrainingJobRequest = Static<typeof CreateTrainingJobRequest>;

export const JobPhases = ['Creating', 'Pending', 'Running', 'Failed', 'Completed', 'Terminating', 'Terminated', 'Abnormal'] as const;

export const JobStatus = Type.Object({
  phase: StringEnum(JobPhases),
  secondary_phase: Type.String(),
  duration: Type.Integer({ description: 'Running time, ms' }),
  node_count_metrics: Type.Optional(Type.Array(Type.Array(Type.Integer()))),
  tasks: Type.Array(Type.String()),
  // The tables type start_time as a String; the examples and the official SDKs have a number.
  start_time: Type.Integer({ description: 'Epoch milliseconds; 0 before the job starts' }),
  task_statuses: Type.Optional(Type.Array(Type.Object({ task: Type.String(), exit_code: Type.Integer(), message: Type.String() }))),
});
export type JobStatus = Static<typeof JobStatus>;

export const JobAlgorithmResponse = Type.Object({
  id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  code_dir: Type.Optional(Type.String()),
  boot_file: Type.Optional(Type.String()),
  command: Type.Optional(Type.String()),
  parameters: Type.Optional(Type.Array(Parameter)),
  policies: Type.Optional(Type.Object({ auto_search: Type.Optional(JobAutoSearch) })),
  inputs: Type.Optional(Type.Array(JobInput)),
  outputs: Type.Optional(Type.Array(Type.Object({ ...JobOutput.properties, mode: Type.Optional(Type.String()), period: Type.Optional(Type.String()) }))),
  engine: Type.Optional(Engine),
  local_code_dir: Type.Optional(Type.String()),
  working_dir: Type.Optional(Type.String()),
  environments: Type.Optional(Environments),
});
export type JobAlgorithmResponse = Static<typeof JobAlgorithmResponse>;

export const JobSpecResponse = Type.Object({
  resource: Type.Object({
    policy: Type.String(),
    flavor_id: Type.String(),
    flavor_name: Type.String(),
    node_count: Type.Integer(),
    pool_id: Type.Optional(Type.String()),
    flavor_detail: Type.Object({ flavor_type: Type.String(), billing: Billing, flavor_info: JobFlavorInfo }),
  }),
  log_export_path: Type.Optional(Type.Object({ obs_url: Type.Optional(Type.String()), host_path: Type.Optional(Type.String()) })),
});
export type JobSpecResponse = Static<typeof JobSpecResponse>;

export const TrainingJobResponse = Type.Object({
  kind: Type.String(),
  metadata: Type.Object({
    id: Type.String(),
    name: Type.String(),
    workspace_id: Type.String(),
    description: Type.String(),
    create_time: Type.Integer(),
    user_name: Type.String(),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
  status: JobStatus,
  algorithm: JobAlgorithmResponse,
  spec: JobSpecResponse,
});
export type TrainingJobResponse = Static<typeof TrainingJobResponse>;

export const TrainingJobParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  training_job_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const TaskParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  training_job_id: Type.String({ minLength: 1, maxLength: 64 }),
  task_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const ChangeDescriptionRequest = Type.Object({ description: Type.Optional(Description) });

/** What the training lists' group_by may name: equal values come together, sort_by orders within. */
export const JobGroupFields = ['phase', 'algorithm_name', 'kind', 'user_id', 'workspace_id'] as const;

export const JobActionRequest = Type.Object({ action_type: Type.Optional(StringEnum(['terminate'] as const)) });

export const JobSortFields = ['create_time', 'name', 'phase', 'update_time'] as const;

export const ListTrainingJobsRequest = Type.Object({
  offset: RecordOffset,
  limit: PageLimit(50, 50),
  sort_by: StringEnum(JobSortFields, { default: 'create_time' }),
  order: StringEnum(['asc', 'desc'] as const, { default: 'desc' }),
  group_by: Type.Optional(
    StringEnum(['', ...JobGroupFields] as const, {
      description:
        'Puts the jobs with the same phase, algorithm_name, kind, user_id or workspace_id next to each other (the groups in the order asked), sorted by sort_by within each group; empty for none',
    }),
  ),
  filters: Type.Optional(
    ListOf(
      Type.Object({
        key: Type.Optional(StringEnum(['name', 'create_time', 'phase', 'algorithm_name', 'kind', 'user_id'] as const)),
        operator: Type.Optional(StringEnum(['between', 'like', 'in', 'not'] as const)),
        value: Type.Optional(ListOf(Text(256), 100)),
      }),
      20,
    ),
  ),
});
export type ListTrainingJobsRequest = Static<typeof ListTrainingJobsRequest>;

export const ListTrainingJobsResponse = Type.Object({
  ...TrainingPageFields,
  workspace_id: Type.String(),
  ai_project: Type.String(),
  items: Type.Array(TrainingJobResponse),
});

export const LogPreviewResponse = Type.Object({
  content: Type.String(),
  current_size: Type.Integer({ description: 'Bytes returned' }),
  full_size: Type.Integer({ description: 'Bytes of the whole log' }),
});

export const LogUrlQuery = Type.Object({
  'Content-Type': Type.Optional(StringEnum(['text/plain', 'application/octet-stream'] as const)),
});

export const LogUrlResponse = Type.Object({ obs_url: Type.String({ description: 'Signed, time-limited download link' }) });

export const MetricsResponse = Type.Object({
  metrics: Type.Array(
    Type.Object({
      metric: Type.String({
        description:
          'cpuUsage and memUsage: percent of the CPU cores and memory of one node of the flavor; gpuUtil, gpuMemUsage, npuUtil, npuMemUsage: percent of the devices',
      }),
      value: Type.Array(Type.Number(), {
        description:
          "One value per minute since the job started, the average of that minute's samples; -1 where nothing was measured (a device this job does not have)",
      }),
    }),
  ),
  time_series: Type.Object(
    {
      start_time: Type.Integer({ description: 'Where the first step starts, epoch milliseconds (the start of the job)' }),
      step_seconds: Type.Number({
        description: 'Seconds between two values: the sampling interval, or a multiple of it that keeps a series within 720 values',
      }),
      items: Type.Array(
        Type.Object({
          metric: Type.String({
            description:
              'cpuUsage and memUsage (as in metrics), ioReadBytes and ioWriteBytes (bytes the processes of the task read and wrote during the step through read and write calls: files, cached or not, pipes, sockets); GPU series only for a job that has GPUs',
          }),
          unit: Type.String({ description: 'Percent or Bytes' }),
          value: Type.Array(Type.Number(), { description: 'One value per step from start_time; -1 for a step without a sample' }),
        }),
      ),
    },
    { description: 'Atelier extension: the same samples at a finer step, with I/O' },
  ),
  log_metrics: Type.Array(
    Type.Object({
      metric: Type.String({ description: 'A name the script printed in a metric line (name=number pairs)' }),
      every: Type.Integer({ description: 'value holds every n-th value printed (1 until a series outgrows 2000 values, then 2, 4, ...)' }),
      value: Type.Array(Type.Number(), { description: 'The values printed under this name, in the order printed' }),
    }),
    { description: "Atelier extension: the metrics the task's script printed in its log, e.g. a line `epoch=3 loss=0.31 accuracy=0.9`" },
  ),
});

export const LogDownloadParams = Type.Object({
  training_job_id: Type.String({ minLength: 1, maxLength: 64 }),
  task_id: Type.String({ minLength: 1, maxLength: 64 }),
});
export const LogDownloadQuery = Type.Object({
  expires: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Epoch seconds' }),
  signature: Type.String({ maxLength: 128 }),
  disposition: Type.Optional(StringEnum(['inline', 'attachment'] as const)),
});
