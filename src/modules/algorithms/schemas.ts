import { Type, type Static } from 'typebox';
import { StringCodes, StringEnum } from '#src/core/schemas.ts';
import { Closed, ListOf, PageLimit, RecordOffset, StringMap, Text } from '#src/core/request-bounds.ts';

/** Names of algorithms and training jobs: 1-64 letters, digits, "_" and "-". */
export const ResourceName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Name, 1-64 letters, digits, "_" or "-"' });
export const Description = Type.String({ maxLength: 256, description: 'Free text for people, up to 256 characters' });

// Objects kept as sent and answered back (parameters, channels, the search template, and in jobs
// the same parameters and template) take only their declared fields: an undeclared key is a 400.
// Objects read field by field (metadata, job_config, engine, resource_requirements) drop what they
// do not declare, so an algorithm fetched and sent back as it is still goes through.
export const I18nDescription = Closed(
  {
    language: Type.Optional(Text(32, 'Language the description is written in')),
    description: Type.Optional(Text(256, 'The description in that language')),
  },
  { description: 'A description in another language: kept and answered back, not used here' },
);

export const ParameterConstraint = Closed(
  {
    type: Type.Optional(
      Text(32, 'Value type, any case: String (the default), Integer, Float or Boolean (true or false); a search gives Integer parameters whole numbers'),
    ),
    editable: Type.Optional(Type.Boolean({ description: 'false: a training job that uses the algorithm cannot change the value; default true' })),
    required: Type.Optional(
      Type.Boolean({ description: 'true: the training job must have a non-empty value (an algorithm may leave it empty for the job to fill)' }),
    ),
    sensitive: Type.Optional(Type.Boolean({ description: 'Accepted and kept; the value is not hidden here (answers and the job log show it)' })),
    valid_type: Type.Optional(
      Text(32, 'Any case: None (the default, any value of the type), Choice (one of valid_range) or Range (between the two numbers of valid_range, inclusive)'),
    ),
    valid_range: Type.Optional(ListOf(Text(256), 100, 'Choice: the values allowed; Range: the minimum and the maximum (other lengths are not checked)')),
  },
  { description: 'What values the parameter takes, checked when the algorithm or the job is created' },
);
export type ParameterConstraint = Static<typeof ParameterConstraint>;

export const Parameter = Closed({
  name: Type.Optional(Text(128, 'Parameter name, 1-128 letters, digits, "_", "-" or ".", unique in the list; the boot file gets --name=value')),
  value: Type.Optional(Text(4096, 'Value as a string, checked against constraint; an empty value is not passed to the code')),
  description: Type.Optional(Text(256, 'What the parameter does, for people')),
  constraint: Type.Optional(ParameterConstraint),
  i18n_description: Type.Optional(I18nDescription),
});
export type Parameter = Static<typeof Parameter>;

const ENGINE =
  'What runs the boot file: a preset engine of GET training-job-engines, named by engine_id or by engine_name and engine_version, or else a DevEnviron image named by image_url; answers give the three engine fields, or image_url alone ({} when none is set)';
export const Engine = Type.Object(
  {
    engine_id: Type.Optional(Text(128, 'Engine ID from GET training-job-engines; when given, engine_name and engine_version are not read')),
    engine_name: Type.Optional(Text(128, 'Engine name (e.g. PyTorch), read when engine_id is left out')),
    engine_version: Type.Optional(Text(128, 'Engine version, with engine_name; left out, the first engine of that name is taken')),
    image_url: Type.Optional(
      Text(
        512,
        "A DevEnviron image instead of an engine: the id or swr_path of an image GET /v1/{project_id}/images lists (a built-in one or the project's own ACTIVE one); the boot file (.py) runs with its python. Not with engine_id or engine_name. A container image reference is a 400 ModelArts.4907 on the local executor (no container runtime runs there); a training job on the kubernetes executor (--executor kubernetes) runs in it, and it needs python3",
      ),
    ),
  },
  { description: ENGINE },
);
export type Engine = Static<typeof Engine>;

// The parts of a hyperparameter search, described as a training job's search reads them
// (training-jobs/auto-search.ts); an algorithm only keeps them as a template.
export const RewardAttr = Closed({
  name: Type.Optional(Text(128, 'Metric name, as the search reports it (default reward)')),
  mode: Type.Optional(Text(16, 'max (a larger value is better, the default) or min (a smaller value is better)')),
  regex: Type.Optional(Text(512, "Regular expression that finds the metric in a trial's log: the last match counts, its first group when it has one")),
});
export const AlgoConfig = Closed({
  name: Type.Optional(Text(128, 'grid_search (the default: every combination of the values) or random_search (num_samples random draws)')),
  params: Type.Optional(
    ListOf(
      Closed({
        key: Type.Optional(Text(128, 'Setting name: random_search reads num_samples (or max_trials), the number of trials, default 10')),
        value: Type.Optional(Text(1024, 'Setting value, as a string')),
        type: Type.Optional(Text(32, 'Type of the value: accepted and not read')),
      }),
      50,
      'Settings of the search algorithm',
    ),
  ),
});
const SearchParamFields = {
  name: Type.Optional(Text(128, "Hyperparameter to search: the name of one of the job's parameters")),
  param_type: Type.Optional(Text(32, 'continuous (numbers from lower_bound to upper_bound) or discrete (the values of discrete_values)')),
  lower_bound: Type.Optional(Text(64, 'Smallest value of a continuous hyperparameter, a number as a string')),
  upper_bound: Type.Optional(Text(64, 'Largest value of a continuous hyperparameter, a number as a string')),
  discrete_points_num: Type.Optional(
    Text(16, 'For a continuous hyperparameter, how many evenly spaced values from lower_bound to upper_bound a grid search tries; default 5'),
  ),
};
const DiscreteValues = ListOf(Text(256), 100, 'Values of a discrete hyperparameter (an item may itself list several, separated by commas)');
const SearchParamsLimit = 20;
const SKIP_SEARCH_PARAMS = 'Accepted and kept; not used here';
const REWARD_ATTRS = 'The metric the search optimises; only the first is read';
const SEARCH_PARAMS = 'The hyperparameters to search';
const ALGO_CONFIGS = 'The search algorithm; only the first is read (grid_search when none)';

// discrete_values: the algorithm tables type it as a String (a comma-separated list), the official
// SDK sends an array of strings on create. Both are taken; the answer is the String of the tables.
export const AlgorithmAutoSearch = Closed({
  skip_search_params: Type.Optional(Text(1024, SKIP_SEARCH_PARAMS)),
  reward_attrs: Type.Optional(ListOf(RewardAttr, 10, REWARD_ATTRS)),
  search_params: Type.Optional(
    ListOf(
      Closed({
        ...SearchParamFields,
        discrete_values: Type.Optional(
          Type.Union([Text(4096), DiscreteValues], {
            description: 'Values of a discrete hyperparameter: one string separated by commas, or an array of strings (answered as one string)',
          }),
        ),
      }),
      SearchParamsLimit,
      SEARCH_PARAMS,
    ),
  ),
  algo_configs: Type.Optional(ListOf(AlgoConfig, 10, ALGO_CONFIGS)),
});
export type AlgorithmAutoSearch = Static<typeof AlgorithmAutoSearch>;
export const AlgorithmAutoSearchResponse = Type.Object(
  {
    skip_search_params: Type.Optional(Type.String({ description: SKIP_SEARCH_PARAMS })),
    reward_attrs: Type.Optional(Type.Array(RewardAttr, { description: REWARD_ATTRS })),
    search_params: Type.Optional(
      Type.Array(
        Type.Object({
          ...SearchParamFields,
          discrete_values: Type.Optional(Type.String({ description: 'Values of a discrete hyperparameter, separated by commas' })),
        }),
        { description: SEARCH_PARAMS },
      ),
    ),
    algo_configs: Type.Optional(Type.Array(AlgoConfig, { description: ALGO_CONFIGS })),
  },
  { description: 'The hyperparameter search template, as sent; a training job searches only with its own policies.auto_search' },
);
export type AlgorithmAutoSearchResponse = Static<typeof AlgorithmAutoSearchResponse>;

// The training-job tables give discrete_values as an array of strings.
export const JobAutoSearch = Closed(
  {
    skip_search_params: Type.Optional(Text(1024, SKIP_SEARCH_PARAMS)),
    reward_attrs: Type.Optional(ListOf(RewardAttr, 10, REWARD_ATTRS)),
    search_params: Type.Optional(ListOf(Closed({ ...SearchParamFields, discrete_values: Type.Optional(DiscreteValues) }), SearchParamsLimit, SEARCH_PARAMS)),
    algo_configs: Type.Optional(ListOf(AlgoConfig, 10, ALGO_CONFIGS)),
  },
  {
    description:
      'Hyperparameter search: the job runs one trial per set of values the search algorithm picks (at most 50) and keeps the one with the best metric',
  },
);

export const RemoteConstraint = Closed({
  data_type: Type.Optional(Text(64, 'Kind of data source the channel expects (e.g. OBS or a dataset): kept, not checked here')),
  attributes: Type.Optional(
    ListOf(
      StringMap(20, 256, 'Dataset properties such as data_format, data_segmentation or dataset_type: kept, not checked here'),
      10,
      'Attributes of a dataset input',
    ),
  ),
});

/** An input or output channel's name: the code gets --name=local path. */
const ChannelName = (description: string) => Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });
const CHANNEL_NAME_RULE = '1-64 letters, digits, "_" or "-", unique among inputs and outputs; the code gets --name=local path';
export const AlgorithmInput = Closed({
  name: ChannelName(`Input channel name, ${CHANNEL_NAME_RULE}`),
  description: Type.Optional(Text(256, 'What the channel carries, for people')),
  remote_constraints: Type.Optional(ListOf(RemoteConstraint, 10, 'What data the channel accepts: kept and answered back, not checked here')),
});
export const AlgorithmOutput = Closed({
  name: ChannelName(`Output channel name, ${CHANNEL_NAME_RULE}`),
  description: Type.Optional(Text(256, 'What the channel receives, for people')),
});

export const RequirementKeys = ['flavor_type', 'device_distributed_mode', 'host_distributed_mode'] as const;
const REQUIREMENT_VALUES = 'The values allowed: CPU, GPU or Ascend for flavor_type; multiple or singular for the distributed modes';
const RequirementValues = (description: string) => ListOf(Text(32), 10, description);

// The request tables (and the official SDK) spell the list `values`; the response tables and the
// SDK's response model spell it `value`. A request may use either.
export const ResourceRequirement = Type.Object({
  key: Type.Optional(
    StringCodes(
      RequirementKeys,
      {
        flavor_type: 'the kinds of flavor a training job that uses the algorithm may run on',
        device_distributed_mode: 'whether the code uses several devices of a node (multiple) or one (singular): kept, not checked here',
        host_distributed_mode: 'whether the code may run on several nodes (multiple) or on one (singular); without multiple a job gets one node',
      },
      'What the requirement limits (required)',
    ),
  ),
  values: Type.Optional(RequirementValues(REQUIREMENT_VALUES)),
  value: Type.Optional(RequirementValues(`${REQUIREMENT_VALUES}. The answers' spelling of values: give one of the two`)),
  operator: Type.Optional(StringCodes(['in'] as const, { in: 'the resource must be one of the values' }, 'How the resource relates to the values; default in')),
});
export type ResourceRequirement = Static<typeof ResourceRequirement>;

export const ResourceRequirementResponse = Type.Object({
  key: Type.String({ description: 'What the requirement limits: flavor_type, device_distributed_mode or host_distributed_mode' }),
  value: Type.Array(Type.String(), { description: REQUIREMENT_VALUES }),
  operator: Type.String({ description: 'Always in: the resource must be one of the values' }),
});
export type ResourceRequirementResponse = Static<typeof ResourceRequirementResponse>;

export const AlgorithmMetadataRequest = Type.Object(
  {
    // The tables type id as Integer while calling it a UUID; it is ignored (ids here are UUID strings).
    id: Type.Optional(
      Type.Union([Text(64), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
        description: 'Ignored: the server gives each algorithm a UUID',
      }),
    ),
    name: { ...ResourceName, description: 'Algorithm name, 1-64 letters, digits, "_" or "-"; need not be unique' },
    description: Type.Optional({ ...Description, description: 'Algorithm description, up to 256 characters; left out, it is empty (on an update too)' }),
    workspace_id: Type.Optional(Text(64, 'Workspace of the algorithm, kept as given (not checked); default "0", an update without it keeps it')),
    ai_project: Type.Optional(Text(64, 'AI project of the algorithm, kept as given; default default-ai-project, an update without it keeps it')),
  },
  { description: 'Name, description and workspace of the algorithm' },
);

const PARAMETERS = 'Hyperparameters with their default values; a training job that uses the algorithm starts from them';
const INPUTS = 'Input channels: a training job that uses the algorithm gives each a location, and the code gets --name=local path (a folder, or a file)';
const OUTPUTS = 'Output channels: a training job that uses the algorithm gives each an OBS folder, and the code gets --name=local folder';
const PARAMETERS_CUSTOMIZATION = 'true: a training job that uses the algorithm may add parameters of its own; default false';

export const AlgorithmJobConfigRequest = Type.Object(
  {
    code_dir: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'Code folder, /bucket/dir/ in a bucket of this account; it must exist. Give it with boot_file',
      }),
    ),
    boot_file: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'File the engine runs, /bucket/dir/train.py inside code_dir; it must exist and be of a kind the engine runs (e.g. .py)',
      }),
    ),
    command: Type.Optional(
      Text(
        4096,
        "Boot command of a custom image: not run here, a non-empty value is a 400 ModelArts.4907; with image_url, code_dir and boot_file run with the image's python",
      ),
    ),
    parameters: Type.Optional(ListOf(Parameter, 100, PARAMETERS)),
    inputs: Type.Optional(ListOf(AlgorithmInput, 20, INPUTS)),
    outputs: Type.Optional(ListOf(AlgorithmOutput, 20, OUTPUTS)),
    engine: Type.Optional({ ...Engine, description: `${ENGINE}; one of them is required with code_dir and boot_file` }),
    parameters_customization: Type.Optional(Type.Boolean({ description: PARAMETERS_CUSTOMIZATION })),
  },
  {
    description:
      'What the algorithm runs. Without code_dir and boot_file the algorithm is kept but cannot run (is_valid false); an update that sends job_config replaces all of it',
  },
);
export type AlgorithmJobConfigRequest = Static<typeof AlgorithmJobConfigRequest>;

const AUTO_SEARCH = 'A hyperparameter search template, kept and answered back; a training job searches only with its own policies.auto_search';

export const AdvancedConfig = Type.Object(
  {
    auto_search: Type.Optional(Type.Union([AlgorithmAutoSearch, Type.Null()], { description: `${AUTO_SEARCH}; null for none` })),
  },
  { description: 'Advanced settings: the search template. Left out, the algorithm has none (an update without it removes it)' },
);

const AlgorithmRequestFields = {
  job_config: Type.Optional(AlgorithmJobConfigRequest),
  resource_requirements: Type.Optional(
    ListOf(ResourceRequirement, 10, 'What training jobs that use the algorithm may run on. Left out, no limits (an update without it removes them)'),
  ),
  advanced_config: Type.Optional(AdvancedConfig),
};

/** Create (#107): the tables make every part optional but metadata.name. */
export const AlgorithmRequest = Type.Object({ metadata: AlgorithmMetadataRequest, ...AlgorithmRequestFields });
export type AlgorithmRequest = Static<typeof AlgorithmRequest>;

/** Update (#110): a part left out keeps its value (resource_requirements and advanced_config: none). */
export const ChangeAlgorithmRequest = Type.Object({
  metadata: Type.Optional({ ...AlgorithmMetadataRequest, description: 'Name, description and workspace of the algorithm; left out, they are kept' }),
  ...AlgorithmRequestFields,
});
export type ChangeAlgorithmRequest = Static<typeof ChangeAlgorithmRequest>;

// The tables say code_tree is an array of {name, children}; the examples and the official SDK's
// model (CodeTreeNode) have one object, which the SDK fails to read as an array: one object it is.
export interface CodeTreeNode {
  name: string;
  children?: CodeTreeNode[];
}
export const CodeTree = Type.Object(
  {
    name: Type.String({ description: 'Name of the code folder, ending in "/"' }),
    children: Type.Optional(
      Type.Array(Type.Unknown(), {
        description: 'Its files ({name}) and folders ({name ending in "/", children}), at most 1,000 files in all',
      }),
    ),
  },
  { description: 'The code directory: its name and, as children, its files and folders (folders with their own children); left out without code' },
);

export const AlgorithmMetadata = Type.Object(
  {
    id: Type.String({ description: 'Algorithm UUID' }),
    name: Type.String({ description: 'Algorithm name' }),
    description: Type.String({ description: 'Algorithm description, empty when none was given' }),
    workspace_id: Type.String({ description: 'Workspace of the algorithm, "0" by default' }),
    ai_project: Type.String({ description: 'AI project of the algorithm, default-ai-project by default' }),
    user_name: Type.String({ description: 'Name of the user who created it' }),
    domain_id: Type.String({ description: 'Account (domain) ID of the user who created it' }),
    source: Type.String({ description: 'Always custom here: algorithms of this account, none subscribed' }),
    api_version: Type.String({ description: 'Always v2' }),
    // The tables type is_valid as a String; the examples and the official SDKs have a boolean.
    is_valid: Type.Boolean({ description: 'Whether a training job can run it here: it has code, a boot file and an engine this host offers' }),
    state: Type.String({ description: 'Always normal here' }),
    tags: Type.Optional(Type.Array(Type.Record(Type.String(), Type.String()), { description: 'Algorithm tags: none here, so never answered' })),
    attr_list: Type.Optional(Type.Array(Type.String(), { description: 'Algorithm attributes: none here, so never answered' })),
    version_num: Type.Integer({ description: 'Always 0: algorithms have no versions here' }),
    size: Type.Integer({ description: 'Bytes of the code directory (its first 1,000 files) when last checked; 0 without code' }),
    create_time: Type.Integer({ description: 'Creation time, ms since epoch' }),
    update_time: Type.Integer({ description: 'Time of the last update, ms since epoch; the creation time until the first update' }),
  },
  { description: 'Who created the algorithm, when, and whether it can run' },
);

export const AlgorithmJobConfig = Type.Object(
  {
    code_dir: Type.String({ description: 'Code folder, /bucket/dir/; empty without code' }),
    boot_file: Type.String({ description: 'File the engine runs, /bucket/dir/file inside code_dir; empty without code' }),
    command: Type.String({ description: 'Always empty: no custom images here' }),
    parameters: Type.Array(Parameter, { description: PARAMETERS }),
    inputs: Type.Array(AlgorithmInput, { description: INPUTS }),
    outputs: Type.Array(AlgorithmOutput, { description: OUTPUTS }),
    engine: Engine,
    code_tree: Type.Optional(CodeTree),
    parameters_customization: Type.Boolean({ description: PARAMETERS_CUSTOMIZATION }),
  },
  { description: 'What the algorithm runs: empty strings and lists until it is given code' },
);

export const AlgorithmResponse = Type.Object({
  metadata: AlgorithmMetadata,
  job_config: AlgorithmJobConfig,
  resource_requirements: Type.Array(ResourceRequirementResponse, { description: 'What training jobs that use the algorithm may run on; empty for no limits' }),
  advanced_config: Type.Object(
    { auto_search: Type.Optional(AlgorithmAutoSearchResponse) },
    { description: 'Advanced settings: the search template, {} when there is none' },
  ),
});
export type AlgorithmResponse = Static<typeof AlgorithmResponse>;

export const AlgorithmParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  algorithm_id: Type.String({ minLength: 1, maxLength: 64, description: 'Algorithm ID, the UUID CreateAlgorithm answered (metadata.id)' }),
});

export const AlgorithmSortFields = ['create_time', 'update_time', 'name'] as const;
/** What group_by may name: the algorithms with the same value come together, sort_by orders within. */
export const AlgorithmGroupFields = ['workspace_id', 'ai_project', 'user_name'] as const;

export const ListAlgorithmsQuery = Type.Object({
  offset: RecordOffset,
  limit: PageLimit(50, 50),
  sort_by: StringCodes(
    AlgorithmSortFields,
    { create_time: 'creation time (the default)', update_time: 'time of the last update', name: 'algorithm name' },
    'What the algorithms are sorted by (then by ID)',
    { default: 'create_time' },
  ),
  order: StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (the default)' }, 'Sort order', { default: 'desc' }),
  group_by: Type.Optional(
    StringEnum(['', ...AlgorithmGroupFields] as const, {
      description:
        'Puts the algorithms with the same workspace_id, ai_project or user_name next to each other (the groups in the order asked), sorted by sort_by within each group; empty for none',
    }),
  ),
  searches: Type.Optional(Text(512, 'Filters as key:value pairs separated by ";"; only name is taken, a case-insensitive part of the name, e.g. name:abc')),
  workspace_id: Type.Optional(Text(64, 'Only the algorithms of this workspace')),
});
export type ListAlgorithmsQuery = Static<typeof ListAlgorithmsQuery>;

/** The paging fields the v2 training lists (algorithms, training jobs) answer with. */
export const TrainingPageFields = {
  total: Type.Integer({ description: 'Items the project holds in all, whatever the filters' }),
  count: Type.Integer({ description: 'Items that match the filters, on all pages' }),
  limit: Type.Integer({ description: 'Items per page, as asked' }),
  offset: Type.Integer({ description: 'Items skipped, as asked' }),
  sort_by: Type.String({ description: 'Field the items are sorted by, as asked' }),
  order: Type.String({ description: 'Sort order as asked: asc or desc' }),
  group_by: Type.String({ description: 'Field the items are grouped by, as asked; empty for none' }),
};

export const ListAlgorithmsResponse = Type.Object({
  ...TrainingPageFields,
  items: Type.Array(AlgorithmResponse, { description: 'The page of algorithms' }),
});
