import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';
import { Closed, ListOf, PageLimit, RecordOffset, StringMap, Text } from '#src/core/request-bounds.ts';
import { Description, Engine, JobAutoSearch, Parameter, ResourceName, TrainingPageFields } from '#src/modules/algorithms/index.ts';
import { Billing, JobFlavorInfo } from './resource-schemas.ts';

const ObsLocation = (obsUrl: string, description: string) =>
  Type.Object({ obs_url: Type.String({ minLength: 1, maxLength: 1024, description: obsUrl }) }, { description });

/** The name of a channel: how the job is told where the channel's folder is. */
const channelName = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9_-]+$',
    description: `Channel name, letters, digits, _ or -; the job gets ${what} as the argument --<name>=<path>, and as the environment variable <name> when that is a valid name and not a reserved one (PATH, HOME, LD_*, PYTHON*, MA_*, VC_*...)`,
  });
const CHANNEL_LOCAL_DIR =
  "default: a folder in the job's directory on the host. A folder given is honoured when jobs run in the sandbox (not one under a system folder or overlapping another channel's); without the sandbox the job is given the host folder";

// Channels are kept as sent (with local_dir and remote filled in) and answered back: an undeclared
// key is a 400, as in parameters and policies.auto_search (see the algorithms' schemas). What is read
// field by field (metadata, remote, engine, spec) drops what it does not declare, so a job fetched
// and sent back as it is still goes through.
export const JobInput = Closed({
  name: channelName("the local path of the input's data"),
  description: Type.Optional(Type.String({ maxLength: 256, description: 'Description of the channel' })),
  local_dir: Type.Optional(Type.String({ maxLength: 1024, description: `Folder the job finds the input in; ${CHANNEL_LOCAL_DIR}` })),
  remote: Type.Object(
    {
      dataset: Type.Optional(
        Type.Object(
          {
            id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
            version_id: Type.String({ minLength: 1, maxLength: 64, description: 'ID of a published version of the dataset (one that has a manifest)' }),
            obs_url: Type.Optional(
              Type.String({ maxLength: 1024, description: "Set by the server: the OBS path of the version's manifest; a value sent is ignored" }),
            ),
          },
          {
            description:
              "A dataset version: the job gets the version's manifest, the files it lists (read-only) and a copy of the manifest that names those files by local path, which --<name> points at",
          },
        ),
      ),
      obs: Type.Optional(
        ObsLocation(
          'A folder (/bucket/dir/) or one file (/bucket/dir/file) that must exist; obs:// and s3:// prefixes are taken too, the answer has /bucket/key',
          "An OBS location, downloaded into the job's directory before the job starts",
        ),
      ),
    },
    { description: 'Where the data comes from: exactly one of dataset and obs' },
  ),
  remote_constraint: Type.Optional(
    ListOf(
      Closed({
        data_type: Type.Optional(Text(64, 'Kind of data source the channel takes; kept, not checked')),
        attributes: Type.Optional(Text(1024, 'What the data must be like (format, segmentation, labeling type); kept, not checked')),
      }),
      10,
      'Constraints on the data of the channel, kept and answered back as sent',
    ),
  ),
});
export type JobInput = Static<typeof JobInput>;

export const JobOutput = Closed({
  name: channelName('the folder to write the output in'),
  description: Type.Optional(Type.String({ maxLength: 256, description: 'Description of the channel' })),
  local_dir: Type.Optional(Type.String({ maxLength: 1024, description: `Folder the job writes the output in; ${CHANNEL_LOCAL_DIR}` })),
  remote: Type.Object(
    {
      obs: ObsLocation(
        'OBS folder (/bucket/dir/; a missing final / is added); obs:// and s3:// prefixes are taken too, the answer has /bucket/dir/',
        "Where the channel's folder is uploaded when the job completes (not when it fails or is terminated)",
      ),
    },
    { description: 'Where the output goes' },
  ),
});
export type JobOutput = Static<typeof JobOutput>;

const Environments = Type.Array(Type.Record(Type.String(), Type.String()), {
  description: "Environment variables of the job's processes, as sent without the empty maps; on a name in several maps the last one wins",
});
const EnvironmentMap = StringMap(100, 4096, 'Environment variables');
const EnvironmentsRequest = ListOf(EnvironmentMap, 10);

const JOB_ENGINE = 'The runtime that runs boot_file: an engine ShowTrainingJobEngines lists, or a DevEnviron image';

const NOT_HERE = 'not available here: leave it out (a value is a 400)';

export const JobAlgorithmRequest = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'ID of an algorithm of the project, whose code, boot file, engine, parameters and channels the job uses; instead of code_dir and boot_file',
      }),
    ),
    name: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored: the answer names the algorithm of id' })),
    subscription_id: Type.Optional(Type.String({ maxLength: 64, description: `ID of a subscribed algorithm; ${NOT_HERE}` })),
    item_version_id: Type.Optional(Type.String({ maxLength: 64, description: `Version of a subscribed algorithm; ${NOT_HERE}` })),
    code_dir: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: "OBS folder of the code (/bucket/dir/), downloaded into the job's directory before it starts; with boot_file, instead of id",
      }),
    ),
    boot_file: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'OBS path of the file the engine runs, inside code_dir (e.g. /bucket/dir/train.py); with code_dir, instead of id',
      }),
    ),
    autosearch_config_path: Type.Optional(
      Type.String({ maxLength: 1024, description: `YAML file of an auto search job; ${NOT_HERE}. A hyperparameter search is set in policies.auto_search` }),
    ),
    autosearch_framework_path: Type.Optional(Type.String({ maxLength: 1024, description: `Framework code of an auto search job; ${NOT_HERE}` })),
    command: Type.Optional(
      Type.String({
        maxLength: 4096,
        description: `Boot command of a custom image; ${NOT_HERE} (ModelArts.4907). With engine.image_url, code_dir and boot_file run with the image's python`,
      }),
    ),
    parameters: Type.Optional(
      Type.Array(Parameter, {
        maxItems: 100,
        description:
          "Run parameters, at most 100, passed to the boot file as --name=value (empty values left out). With id: values for the algorithm's parameters (another value for a non-editable one is a 400), new names only when the algorithm allows customization",
      }),
    ),
    policies: Type.Optional(
      Type.Object(
        {
          auto_search: Type.Optional(
            Type.Union([JobAutoSearch, Type.Null()], {
              description:
                "Hyperparameter search: the trials, every combination of the search_params points (grid_search, the default) or num_samples random draws (random_search), at most 50, run one after the other; a trial's reward is the last match of reward_attrs[0].regex in its part of worker-0's log, and only the best trial's outputs are uploaded. Null or left out for a plain job",
            }),
          ),
        },
        { description: 'Policies of the job' },
      ),
    ),
    inputs: Type.Optional(
      Type.Array(JobInput, { maxItems: 20, description: 'Input channels, at most 20; with id, exactly the channels the algorithm declares' }),
    ),
    outputs: Type.Optional(
      Type.Array(JobOutput, { maxItems: 20, description: 'Output channels, at most 20; with id, exactly the channels the algorithm declares' }),
    ),
    engine: Type.Optional({
      ...Engine,
      description: `${JOB_ENGINE}: engine_id, or engine_name and engine_version, or else image_url, a DevEnviron image of the project (its id or swr_path) whose python runs the .py boot file. Leave it out with id (the algorithm's engine or image is used)`,
    }),
    local_code_dir: Type.Optional(
      Type.String({ maxLength: 1024, description: "Kept and answered back, not used: the code is staged in the job's directory (MA_JOB_DIR)" }),
    ),
    working_dir: Type.Optional(Type.String({ maxLength: 1024, description: 'Kept and answered back, not used: the processes run in the staged code folder' })),
    // The table says an array of maps; the spec's examples send one map. Both are taken.
    environments: Type.Optional(
      Type.Union([EnvironmentsRequest, EnvironmentMap], {
        description:
          "Environment variables of the job's processes: one map, or an array of maps merged in order. Names are letters, digits and _, not starting with a digit; MA_JOB_DIR, MA_JOB_ID, MA_VJ_NAME, MA_TASK_NAME, MA_TASK_INDEX, VC_TASK_INDEX, MA_NUM_HOSTS and PYTHONUNBUFFERED, which the server sets, win over them",
      }),
    ),
  },
  { description: 'What the job runs: an algorithm of the project (id), or code (code_dir, boot_file and engine); required here' },
);
export type JobAlgorithmRequest = Static<typeof JobAlgorithmRequest>;

const KIND = StringCodes(['job'] as const, { job: 'a training job' }, 'Job type', { default: 'job' });
const JOB_NAME = 'Job name, 1 to 64 letters, digits, _ or -';
const BY_SERVER = 'Set by the server: a value sent is ignored';
const LOG_EXPORT_OBS_URL = 'OBS folder (/bucket/dir/) each task log is copied to when the job ends, as modelarts-job-<job id>-<task>.log';

export const CreateTrainingJobRequest = Type.Object({
  kind: KIND,
  // id, create_time and user_name are the server's: a value sent is ignored.
  metadata: Type.Object(
    {
      id: Type.Optional(Text(64, BY_SERVER)),
      name: ResourceName,
      workspace_id: Type.Optional(Text(64, 'Workspace of the job, 0 by default; kept and answered back')),
      description: Type.Optional(Description),
      create_time: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: BY_SERVER })),
      user_name: Type.Optional(Text(64, BY_SERVER)),
      annotations: Type.Optional(StringMap(20, 256, 'Accepted and ignored: the answer has job_template Template DL')),
    },
    { description: 'Name and description of the job' },
  ),
  algorithm: Type.Optional(JobAlgorithmRequest),
  // Heterogeneous jobs are refused (see JobBuilder); the bound keeps a refused body small.
  tasks: Type.Optional(ListOf(Type.Unknown(), 10, 'Not available here: leave it out or empty')),
  spec: Type.Optional(
    Type.Object(
      {
        resource: Type.Optional(
          Type.Object(
            {
              flavor_id: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 128,
                  description: 'Flavor of each node, one of those ShowTrainingJobFlavors lists (e.g. modelarts.vm.cpu.2u); required here',
                }),
              ),
              node_count: Type.Optional(
                Type.Integer({
                  minimum: 1,
                  maximum: 64,
                  description:
                    'Nodes, 1 by default: one process each (tasks worker-0, worker-1...), all on this host, so node_count times the flavor must fit in the host',
                }),
              ),
              pool_id: Type.Optional(
                Type.String({
                  maxLength: 64,
                  description:
                    "Dedicated resource pool to run in: a pool of this project (its metadata.name) whose scope includes Train; left out or empty, the public pool. The job waits there for the pool's own capacity",
                }),
              ),
            },
            { description: 'Flavor and node count' },
          ),
        ),
        volumes: Type.Optional(ListOf(Type.Unknown(), 10, 'NFS volumes: not available here; leave it out or empty')),
        log_export_path: Type.Optional(
          Type.Object(
            {
              obs_url: Type.Optional(Type.String({ maxLength: 1024, description: LOG_EXPORT_OBS_URL })),
              host_path: Type.Optional(Type.String({ maxLength: 1024, description: `Host folder for the logs; ${NOT_HERE}, use obs_url` })),
            },
            { description: 'Where the task logs are copied when the job ends' },
          ),
        ),
      },
      { description: 'Resources of the job; spec.resource.flavor_id is required here' },
    ),
  ),
});
export type CreateTrainingJobRequest = Static<typeof CreateTrainingJobRequest>;

export const JobPhases = ['Creating', 'Pending', 'Running', 'Failed', 'Completed', 'Terminating', 'Terminated', 'Abnormal'] as const;

const PHASE_MEANINGS: Record<(typeof JobPhases)[number], string> = {
  Creating: 'created, not yet taken up by the scheduler',
  Pending:
    'waiting for room in its pool (the public one or its dedicated one), first come first served within that pool (secondary_phase Queuing; task_statuses say why)',
  Running: 'admitted: code and inputs are staged, then one process per node runs',
  Failed:
    'a task exited with a code other than 0, no search trial reported its reward, or preparing the job, uploading its outputs or taking it up again after a server restart failed',
  Completed: 'every task exited with 0 and the outputs were uploaded',
  Terminating: 'asked to terminate while running; its processes are being stopped',
  Terminated: 'terminated by StopTrainingJob, before or while running',
  Abnormal: 'never set here',
};

export const JobStatus = Type.Object(
  {
    phase: StringCodes(JobPhases, PHASE_MEANINGS, 'Status of the job'),
    secondary_phase: Type.String({
      description:
        "Finer status: Queuing while phase is Pending, else the phase (Creating, Running, Completed, Failed, Terminating, Terminated); the spec's CreateFailed, TerminatedFailed, Unknown and Lost never occur here",
    }),
    duration: Type.Integer({ description: 'Running time in ms, from start_time to the end of the job (to now while it runs); 0 before it starts' }),
    node_count_metrics: Type.Optional(
      Type.Array(Type.Array(Type.Integer()), {
        description: 'Node count over time as [epoch ms, nodes] pairs: [start_time, node_count] once started, then [end time, 0] once ended; empty before',
      }),
    ),
    tasks: Type.Array(Type.String(), { description: "The job's tasks, one per node: worker-0, worker-1...; the task_id of the log and metrics APIs" }),
    // The tables type start_time as a String; the examples and the official SDKs have a number.
    start_time: Type.Integer({ description: 'When the job left the queue and started, epoch ms; 0 before' }),
    task_statuses: Type.Optional(
      Type.Array(
        Type.Object({
          task: Type.String({ description: 'Task name, worker-<n>' }),
          exit_code: Type.Integer({
            description: "Exit code of the task's process; -1 while queued, or when it ended without one (killed by a signal, failed before starting)",
          }),
          message: Type.String({
            description:
              "Queued: why the job waits (what falls short, how much is free, who holds the pool). Ended: empty after exit code 0, else why it ended (exit code, signal, memory limit, a failed step); a search's best trial on the first task",
          }),
        }),
        {
          description:
            'One entry per task while the job is queued and once it has ended; absent while it is created or running, and for a job terminated before it ran',
        },
      ),
    ),
  },
  { description: 'Where the job is' },
);
export type JobStatus = Static<typeof JobStatus>;

export const JobAlgorithmResponse = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'The algorithm the job was created from; absent for a job created from code_dir and boot_file' })),
    name: Type.Optional(Type.String({ description: 'Name of that algorithm' })),
    code_dir: Type.Optional(Type.String({ description: "OBS folder of the code (/bucket/dir/): the algorithm's for a job created from id" })),
    boot_file: Type.Optional(Type.String({ description: 'OBS path of the file the engine runs (/bucket/dir/file)' })),
    command: Type.Optional(Type.String({ description: 'Boot command of a custom image; never set here' })),
    parameters: Type.Optional(
      Type.Array(Parameter, {
        description: "Run parameters as the job runs them, passed as --name=value: for a job created from id, the algorithm's with the job's values",
      }),
    ),
    policies: Type.Optional(
      Type.Object({ auto_search: Type.Optional(JobAutoSearch) }, { description: 'Policies of the job: auto_search as sent; empty for a plain job' }),
    ),
    inputs: Type.Optional(Type.Array(JobInput, { description: 'Input channels, with local_dir and, for a dataset, the manifest path filled in' })),
    outputs: Type.Optional(
      Type.Array(
        Type.Object({
          ...JobOutput.properties,
          mode: Type.Optional(Type.String({ description: 'Upload mode; never set here: outputs are uploaded once, when the job completes' })),
          period: Type.Optional(Type.String({ description: 'Upload period; never set here' })),
        }),
        { description: 'Output channels, with local_dir filled in' },
      ),
    ),
    engine: Type.Optional({
      ...Engine,
      description: `${JOB_ENGINE}: its engine_id, engine_name and engine_version, or image_url alone for a job started from an image`,
    }),
    local_code_dir: Type.Optional(Type.String({ description: 'As sent; not used here' })),
    working_dir: Type.Optional(Type.String({ description: 'As sent; not used here' })),
    environments: Type.Optional(Environments),
  },
  { description: 'What the job runs, resolved when it was created' },
);
export type JobAlgorithmResponse = Static<typeof JobAlgorithmResponse>;

export const JobSpecResponse = Type.Object(
  {
    resource: Type.Object(
      {
        policy: Type.String({ description: 'Resource policy; always regular' }),
        flavor_id: Type.String({ description: 'Flavor of each node' }),
        flavor_name: Type.String({ description: 'Display name of the flavor' }),
        node_count: Type.Integer({ description: 'Nodes of the job, one process (task) each' }),
        pool_id: Type.Optional(Type.String({ description: 'The dedicated resource pool the job runs in; absent when it runs in the public pool' })),
        flavor_detail: Type.Object(
          {
            flavor_type: Type.String({ description: 'Flavor type: CPU (the only type here) or GPU' }),
            billing: Billing,
            flavor_info: JobFlavorInfo,
          },
          { description: 'The flavor as it was when the job was created' },
        ),
      },
      { description: 'What the job runs on' },
    ),
    log_export_path: Type.Optional(
      Type.Object(
        {
          obs_url: Type.Optional(Type.String({ description: LOG_EXPORT_OBS_URL })),
          host_path: Type.Optional(Type.String({ description: 'Host folder for the logs; never set here' })),
        },
        { description: 'Where the task logs are copied when the job ends; empty when not asked' },
      ),
    ),
  },
  { description: 'Resources of the job' },
);
export type JobSpecResponse = Static<typeof JobSpecResponse>;

export const TrainingJobResponse = Type.Object({
  kind: Type.String({ description: 'Job type: job, a training job' }),
  metadata: Type.Object(
    {
      id: Type.String({ description: 'Job ID (a UUID), the training_job_id of the other job APIs' }),
      name: Type.String({ description: JOB_NAME }),
      workspace_id: Type.String({ description: 'Workspace of the job, 0 unless given at creation' }),
      description: Type.String({ description: 'Job description; empty when none' }),
      create_time: Type.Integer({ description: 'Creation time, epoch ms' }),
      user_name: Type.String({ description: 'Name of the user who created the job' }),
      annotations: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Job template: always {"job_template": "Template DL"} here' })),
    },
    { description: 'Identity of the job' },
  ),
  status: JobStatus,
  algorithm: JobAlgorithmResponse,
  spec: JobSpecResponse,
});
export type TrainingJobResponse = Static<typeof TrainingJobResponse>;

const TrainingJobId = Type.String({ minLength: 1, maxLength: 64, description: 'Training job ID (metadata.id)' });
const TaskId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Task name, one of status.tasks: worker-0 to worker-<node_count - 1>; another name is a 400',
});

export const TrainingJobParams = Type.Object({ ...ProjectParams.properties, training_job_id: TrainingJobId });

export const TaskParams = Type.Object({
  ...ProjectParams.properties,
  training_job_id: TrainingJobId,
  task_id: TaskId,
});

export const ChangeDescriptionRequest = Type.Object({
  description: Type.Optional({ ...Description, description: 'New description, up to 256 characters; left out or empty clears it' }),
});

/** What the training lists' group_by may name: equal values come together, sort_by orders within. */
export const JobGroupFields = ['phase', 'algorithm_name', 'kind', 'user_id', 'workspace_id'] as const;

export const JobActionRequest = Type.Object({
  action_type: Type.Optional(
    StringCodes(
      ['terminate'] as const,
      {
        terminate:
          'stop the job: a job still waiting becomes Terminated at once, a running one Terminating until its processes have ended; a job that has ended is a 400',
      },
      'Action to take, also what a body without it does',
    ),
  ),
});

export const JobSortFields = ['create_time', 'name', 'phase', 'update_time'] as const;

export const ListTrainingJobsRequest = Type.Object({
  offset: RecordOffset,
  limit: PageLimit(50, 50),
  sort_by: StringCodes(
    JobSortFields,
    { create_time: 'creation time (the default)', name: 'job name', phase: 'phase, by its name', update_time: 'time of the last change to the job' },
    'What orders the jobs; equal values are ordered by job ID',
    { default: 'create_time' },
  ),
  order: StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (the default)' }, 'Direction of sort_by and of the groups of group_by', {
    default: 'desc',
  }),
  group_by: Type.Optional(
    StringEnum(['', ...JobGroupFields] as const, {
      description:
        'Puts the jobs with the same phase, algorithm_name, kind, user_id or workspace_id next to each other (the groups in the order asked), sorted by sort_by within each group; empty for none',
    }),
  ),
  filters: Type.Optional(
    ListOf(
      Type.Object({
        key: Type.Optional(
          StringCodes(
            ['name', 'create_time', 'phase', 'algorithm_name', 'kind', 'user_id'] as const,
            {
              name: 'job name (like by default)',
              create_time: 'creation time, epoch ms (between only)',
              phase: 'status.phase; values must be phases',
              algorithm_name: 'name of the algorithm the job was created from (like by default)',
              kind: 'job type',
              user_id: 'ID of the user who created the job',
            },
            'Field to filter on; a filter without key is skipped',
          ),
        ),
        operator: Type.Optional(
          StringCodes(
            ['between', 'like', 'in', 'not'] as const,
            {
              between: 'value is [from, to], inclusive, either may be empty; create_time only, and its default',
              like: 'contains one of the values, ignoring case (the default for name and algorithm_name)',
              in: 'equals one of the values (the default for the other keys)',
              not: 'equals none of the values',
            },
            'How the field is compared with value',
          ),
        ),
        value: Type.Optional(ListOf(Text(256), 100, 'Values to compare with; empty strings are dropped (a filter left with none is skipped)')),
      }),
      20,
      'Conditions a job must all meet',
    ),
  ),
});
export type ListTrainingJobsRequest = Static<typeof ListTrainingJobsRequest>;

export const ListTrainingJobsResponse = Type.Object({
  ...TrainingPageFields,
  workspace_id: Type.String({ description: 'Workspace; always 0 here' }),
  ai_project: Type.String({ description: 'AI project; always default-ai-project here' }),
  items: Type.Array(TrainingJobResponse, { description: 'The jobs of the page' }),
});

export const LogPreviewResponse = Type.Object({
  content: Type.String({
    description:
      "The end of the task's log, at most 1 MB (cut at a line start): what its process printed and the [ModelArts Service Log] lines of the job's events; empty before anything was logged",
  }),
  current_size: Type.Integer({ description: 'Bytes of content' }),
  full_size: Type.Integer({ description: 'Bytes of the whole log' }),
});

export const LogUrlQuery = Type.Object({
  'Content-Type': Type.Optional(
    StringCodes(
      ['text/plain', 'application/octet-stream'] as const,
      { 'text/plain': 'a link that shows the log as text (the default)', 'application/octet-stream': 'a link that downloads it as a file' },
      'Kind of link; the Content-Type request header is read when the query leaves it out',
    ),
  ),
});

export const LogUrlResponse = Type.Object({
  obs_url: Type.String({
    description: "Signed link to the task's whole log (DownloadTrainingJobLog), valid for one hour and usable without a token",
  }),
});

export const MetricsResponse = Type.Object({
  metrics: Type.Array(
    Type.Object({
      metric: Type.String({
        description:
          'cpuUsage and memUsage: percent of the CPU cores and memory of one node of the flavor; gpuUtil, gpuMemUsage, npuUtil, npuMemUsage: percent of the devices',
      }),
      value: Type.Array(Type.Number(), {
        description:
          "One value per minute since the job started, the average of that minute's samples; -1 for a minute without a sample, and throughout the GPU and NPU series (the local executor gives a job none)",
      }),
    }),
    { description: "The spec's series, one value per minute: cpuUsage, memUsage, gpuUtil, gpuMemUsage, npuUtil and npuMemUsage" },
  ),
  time_series: Type.Object(
    {
      start_time: Type.Integer({
        description: 'Where the first step starts, epoch milliseconds (the start of the job; its creation while it has not started)',
      }),
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
        { description: 'One series per metric: cpuUsage, memUsage, ioReadBytes, ioWriteBytes' },
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
    {
      description:
        "Atelier extension: the metrics the task's script printed in its log, from lines made only of name=number pairs separated by spaces, tabs or commas, e.g. `epoch=3 loss=0.31 accuracy=0.9`; at most 32 names, the first ones printed",
    },
  ),
});

export const LogDownloadParams = Type.Object({
  training_job_id: Type.String({ minLength: 1, maxLength: 64, description: 'Training job ID, as in the link' }),
  task_id: Type.String({ minLength: 1, maxLength: 64, description: 'Task name (worker-<n>), as in the link' }),
});
export const LogDownloadQuery = Type.Object({
  expires: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'When the link expires, epoch seconds; a later download is a 403' }),
  signature: Type.String({ maxLength: 128, description: 'Signature of the link over job, task, expires and disposition; a changed link is a 403' }),
  disposition: Type.Optional(
    StringCodes(
      ['inline', 'attachment'] as const,
      { inline: 'the log as text/plain (the default)', attachment: 'a file download named <job id>-<task>.log' },
      'How the log is served, as in the link',
    ),
  ),
});
