import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { Closed, ListOf, PageLimit, RecordOffset, StringMap, Text } from '#src/core/request-bounds.ts';

/** Names of algorithms and training jobs: 1-64 letters, digits, "_" and "-". */
export const ResourceName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Description = Type.String({ maxLength: 256 });

// Objects kept as sent and answered back (parameters, channels, the search template, and in jobs
// the same parameters and template) take only their declared fields: an undeclared key is a 400.
// Objects read field by field (metadata, job_config, engine, resource_requirements) drop what they
// do not declare, so an algorithm fetched and sent back as it is still goes through.
export const I18nDescription = Closed({
  language: Type.Optional(Text(32)),
  description: Type.Optional(Text(256)),
});

export const ParameterConstraint = Closed({
  type: Type.Optional(Text(32, 'String, Integer, Float or Boolean')),
  editable: Type.Optional(Type.Boolean()),
  required: Type.Optional(Type.Boolean()),
  sensitive: Type.Optional(Type.Boolean()),
  valid_type: Type.Optional(Text(32, 'None, Choice or Range')),
  valid_range: Type.Optional(ListOf(Text(256), 100)),
});
export type ParameterConstraint = Static<typeof ParameterConstraint>;

export const Parameter = Closed({
  name: Type.Optional(Text(128)),
  value: Type.Optional(Text(4096)),
  description: Type.Optional(Text(256)),
  constraint: Type.Optional(ParameterConstraint),
  i18n_description: Type.Optional(I18nDescription),
});
export type Parameter = Static<typeof Parameter>;

export const Engine = Type.Object({
  engine_id: Type.Optional(Text(128)),
  engine_name: Type.Optional(Text(128)),
  engine_version: Type.Optional(Text(128)),
  image_url: Type.Optional(Text(512)),
});
export type Engine = Static<typeof Engine>;

export const RewardAttr = Closed({
  name: Type.Optional(Text(128)),
  mode: Type.Optional(Text(16, 'max or min')),
  regex: Type.Optional(Text(512)),
});
export const AlgoConfig = Closed({
  name: Type.Optional(Text(128)),
  params: Type.Optional(ListOf(Closed({ key: Type.Optional(Text(128)), value: Type.Optional(Text(1024)), type: Type.Optional(Text(32)) }), 50)),
});
const SearchParamFields = {
  name: Type.Optional(Text(128)),
  param_type: Type.Optional(Text(32, 'continuous or discrete')),
  lower_bound: Type.Optional(Text(64)),
  upper_bound: Type.Optional(Text(64)),
  discrete_points_num: Type.Optional(Text(16)),
};
const DiscreteValues = ListOf(Text(256), 100);
const SearchParamsLimit = 20;

// discrete_values: the algorithm tables type it as a String (a comma-separated list), the official
// SDK sends an array of strings on create. Both are taken; the answer is the String of the tables.
export const AlgorithmAutoSearch = Closed({
  skip_search_params: Type.Optional(Text(1024)),
  reward_attrs: Type.Optional(ListOf(RewardAttr, 10)),
  search_params: Type.Optional(
    ListOf(Closed({ ...SearchParamFields, discrete_values: Type.Optional(Type.Union([Text(4096), DiscreteValues])) }), SearchParamsLimit),
  ),
  algo_configs: Type.Optional(ListOf(AlgoConfig, 10)),
});
export type AlgorithmAutoSearch = Static<typeof AlgorithmAutoSearch>;
export const AlgorithmAutoSearchResponse = Type.Object({
  skip_search_params: Type.Optional(Type.String()),
  reward_attrs: Type.Optional(Type.Array(RewardAttr)),
  search_params: Type.Optional(Type.Array(Type.Object({ ...SearchParamFields, discrete_values: Type.Optional(Type.String()) }))),
  algo_configs: Type.Optional(Type.Array(AlgoConfig)),
});
export type AlgorithmAutoSearchResponse = Static<typeof AlgorithmAutoSearchResponse>;

// The training-job tables give discrete_values as an array of strings.
export const JobAutoSearch = Closed({
  skip_search_params: Type.Optional(Text(1024)),
  reward_attrs: Type.Optional(ListOf(RewardAttr, 10)),
  search_params: Type.Optional(ListOf(Closed({ ...SearchParamFields, discrete_values: Type.Optional(DiscreteValues) }), SearchParamsLimit)),
  algo_configs: Type.Optional(ListOf(AlgoConfig, 10)),
});

export const RemoteConstraint = Closed({
  data_type: Type.Optional(Text(64)),
  attributes: Type.Optional(ListOf(StringMap(20, 256), 10)),
});

const ChannelName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const AlgorithmInput = Closed({
  name: ChannelName,
  description: Type.Optional(Text(256)),
  remote_constraints: Type.Optional(ListOf(RemoteConstraint, 10)),
});
export const AlgorithmOutput = Closed({
  name: ChannelName,
  description: Type.Optional(Text(256)),
});

export const RequirementKeys = ['flavor_type', 'device_distributed_mode', 'host_distributed_mode'] as const;
const RequirementValues = ListOf(Text(32), 10, 'CPU or GPU for flavor_type; multiple or singular for the distributed modes');

// The request tables (and the official SDK) spell the list `values`; the response tables and the
// SDK's response model spell it `value`. A request may use either.
export const ResourceRequirement = Type.Object({
  key: Type.Optional(StringEnum(RequirementKeys)),
  values: Type.Optional(RequirementValues),
  value: Type.Optional(RequirementValues),
  operator: Type.Optional(StringEnum(['in'] as const)),
});
export type ResourceRequirement = Static<typeof ResourceRequirement>;

export const ResourceRequirementResponse = Type.Object({
  key: Type.String(),
  value: Type.Array(Type.String()),
  operator: Type.String(),
});
export type ResourceRequirementResponse = Static<typeof ResourceRequirementResponse>;

export const AlgorithmMetadataRequest = Type.Object({
  // The tables type id as Integer while calling it a UUID; it is ignored (ids here are UUID strings).
  id: Type.Optional(Type.Union([Text(64), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })])),
  name: ResourceName,
  description: Type.Optional(Description),
  workspace_id: Type.Optional(Text(64)),
  ai_project: Type.Optional(Text(64)),
});

export const AlgorithmJobConfigRequest = Type.Object({
  code_dir: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  boot_file: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  command: Type.Optional(Text(4096)),
  parameters: Type.Optional(ListOf(Parameter, 100)),
  inputs: Type.Optional(ListOf(AlgorithmInput, 20)),
  outputs: Type.Optional(ListOf(AlgorithmOutput, 20)),
  engine: Type.Optional(Engine),
  parameters_customization: Type.Optional(Type.Boolean()),
});
export type AlgorithmJobConfigRequest = Static<typeof AlgorithmJobConfigRequest>;

export const AdvancedConfig = Type.Object({ auto_search: Type.Optional(Type.Union([AlgorithmAutoSearch, Type.Null()])) });

const AlgorithmRequestFields = {
  job_config: Type.Optional(AlgorithmJobConfigRequest),
  resource_requirements: Type.Optional(ListOf(ResourceRequirement, 10)),
  advanced_config: Type.Optional(AdvancedConfig),
};

/** Create (#107): the tables make every part optional but metadata.name. */
export const AlgorithmRequest = Type.Object({ metadata: AlgorithmMetadataRequest, ...AlgorithmRequestFields });
export type AlgorithmRequest = Static<typeof AlgorithmRequest>;

/** Update (#110): a part left out keeps its value (resource_requirements and advanced_config: none). */
export const ChangeAlgorithmRequest = Type.Object({ metadata: Type.Optional(AlgorithmMetadataRequest), ...AlgorithmRequestFields });
export type ChangeAlgorithmRequest = Static<typeof ChangeAlgorithmRequest>;

// The tables say code_tree is an array of {name, children}; the examples and the official SDK's
// model (CodeTreeNode) have one object, which the SDK fails to read as an array: one object it is.
export interface CodeTreeNode {
  name: string;
  children?: CodeTreeNode[];
}
export const CodeTree = Type.Object(
  { name: Type.String(), children: Type.Optional(Type.Array(Type.Unknown())) },
  { description: 'The code directory: its name and, as children, its files and folders (folders with their own children)' },
);

export const AlgorithmMetadata = Type.Object({
  id: Type.String({ description: 'Algorithm UUID' }),
  name: Type.String(),
  description: Type.String(),
  workspace_id: Type.String(),
  ai_project: Type.String(),
  user_name: Type.String(),
  domain_id: Type.String(),
  source: Type.String(),
  api_version: Type.String(),
  // The tables type is_valid as a String; the examples and the official SDKs have a boolean.
  is_valid: Type.Boolean({ description: 'Whether a training job can run it here: it has code, a boot file and an engine this host offers' }),
  state: Type.String(),
  tags: Type.Optional(Type.Array(Type.Record(Type.String(), Type.String()))),
  attr_list: Type.Optional(Type.Array(Type.String())),
  version_num: Type.Integer(),
  size: Type.Integer({ description: 'Bytes of the code directory' }),
  create_time: Type.Integer(),
  update_time: Type.Integer(),
});

export const AlgorithmJobConfig = Type.Object({
  code_dir: Type.String(),
  boot_file: Type.String(),
  command: Type.String(),
  parameters: Type.Array(Parameter),
  inputs: Type.Array(AlgorithmInput),
  outputs: Type.Array(AlgorithmOutput),
  engine: Engine,
  code_tree: Type.Optional(CodeTree),
  parameters_customization: Type.Boolean(),
});

export const AlgorithmResponse = Type.Object({
  metadata: AlgorithmMetadata,
  job_config: AlgorithmJobConfig,
  resource_requirements: Type.Array(ResourceRequirementResponse),
  advanced_config: Type.Object({ auto_search: Type.Optional(AlgorithmAutoSearchResponse) }),
});
export type AlgorithmResponse = Static<typeof AlgorithmResponse>;

export const AlgorithmParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  algorithm_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const AlgorithmSortFields = ['create_time', 'update_time', 'name'] as const;
/** What group_by may name: the algorithms with the same value come together, sort_by orders within. */
export const AlgorithmGroupFields = ['workspace_id', 'ai_project', 'user_name'] as const;

export const ListAlgorithmsQuery = Type.Object({
  offset: RecordOffset,
  limit: PageLimit(50, 50),
  sort_by: StringEnum(AlgorithmSortFields, { default: 'create_time' }),
  order: StringEnum(['asc', 'desc'] as const, { default: 'desc' }),
  group_by: Type.Optional(
    StringEnum(['', ...AlgorithmGroupFields] as const, {
      description:
        'Puts the algorithms with the same workspace_id, ai_project or user_name next to each other (the groups in the order asked), sorted by sort_by within each group; empty for none',
    }),
  ),
  searches: Type.Optional(Text(512, 'key:value pairs separated by ";", e.g. name:abc (fuzzy)')),
  workspace_id: Type.Optional(Text(64)),
});
export type ListAlgorithmsQuery = Static<typeof ListAlgorithmsQuery>;

/** The paging fields the v2 training lists (algorithms, training jobs) answer with. */
export const TrainingPageFields = {
  total: Type.Integer(),
  count: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  sort_by: Type.String(),
  order: Type.String(),
  group_by: Type.String(),
};

export const ListAlgorithmsResponse = Type.Object({
  ...TrainingPageFields,
  items: Type.Array(AlgorithmResponse),
});
