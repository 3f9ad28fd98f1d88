import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';

/** Names of algorithms and training jobs: 1-64 letters, digits, "_" and "-". */
export const ResourceName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Description = Type.String({ maxLength: 256 });

export const I18nDescription = Type.Object({
  language: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
});

export const ParameterConstraint = Type.Object({
  type: Type.Optional(Type.String({ description: 'String, Integer, Float or Boolean' })),
  editable: Type.Optional(Type.Boolean()),
  required: Type.Optional(Type.Boolean()),
  sensitive: Type.Optional(Type.Boolean()),
  valid_type: Type.Optional(Type.String({ description: 'None, Choice or Range' })),
  valid_range: Type.Optional(Type.Array(Type.String())),
});
export type ParameterConstraint = Static<typeof ParameterConstraint>;

export const Parameter = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 128 })),
  value: Type.Optional(Type.String({ maxLength: 4096 })),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  constraint: Type.Optional(ParameterConstraint),
  i18n_description: Type.Optional(I18nDescription),
});
export type Parameter = Static<typeof Parameter>;

export const Engine = Type.Object({
  engine_id: Type.Optional(Type.String({ maxLength: 128 })),
  engine_name: Type.Optional(Type.String({ maxLength: 128 })),
  engine_version: Type.Optional(Type.String({ maxLength: 128 })),
  image_url: Type.Optional(Type.String({ maxLength: 512 })),
});
export type Engine = Static<typeof Engine>;

export const RewardAttr = Type.Object({
  name: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  regex: Type.Optional(Type.String()),
});
export const AlgoConfig = Type.Object({
  name: Type.Optional(Type.String()),
  params: Type.Optional(Type.Array(Type.Object({ key: Type.Optional(Type.String()), value: Type.Optional(Type.String()), type: Type.Optional(Type.String()) }))),
});
const SearchParamFields = {
  name: Type.Optional(Type.String()),
  param_type: Type.Optional(Type.String()),
  lower_bound: Type.Optional(Type.String()),
  upper_bound: Type.Optional(Type.String()),
  discrete_points_num: Type.Optional(Type.String()),
};
// The algorithm tables give discrete_values as a String, the training-job tables as an array of strings.
export const AlgorithmAutoSearch = Type.Object({
  skip_search_params: Type.Optional(Type.String()),
  reward_attrs: Type.Optional(Type.Array(RewardAttr)),
  search_params: Type.Optional(Type.Array(Type.Object({ ...SearchParamFields, discrete_values: Type.Optional(Type.String()) }))),
  algo_configs: Type.Optional(Type.Array(AlgoConfig)),
});
export const JobAutoSearch = Type.Object({
  skip_search_params: Type.Optional(Type.String()),
  reward_attrs: Type.Optional(Type.Array(RewardAttr)),
  search_params: Type.Optional(Type.Array(Type.Object({ ...SearchParamFields, discrete_values: Type.Optional(Type.Array(Type.String())) }))),
  algo_configs: Type.Optional(Type.Array(AlgoConfig)),
});

export const RemoteConstraint = Type.Object({
  data_type: Type.Optional(Type.String()),
  attributes: Type.Optional(Type.Array(Type.Record(Type.String(), Type.String()))),
});

export const AlgorithmInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  remote_constraints: Type.Optional(Type.Array(RemoteConstraint)),
});
export const AlgorithmOutput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  description: Type.Optional(Type.String({ maxLength: 256 })),
});

export const ResourceRequirement = Type.Object({
  key: Type.Optional(StringEnum(['flavor_type', 'device_distributed_mode', 'host_distributed_mode'] as const)),
  values: Type.Optional(Type.Array(Type.String())),
  operator: Type.Optional(StringEnum(['in'] as const)),
});
export type ResourceRequirement = Static<typeof ResourceRequirement>;

export const AlgorithmMetadataRequest = Type.Object({
  // The tables type id as Integer while calling it a UUID; ids here are UUID strings (as in the examples).
  id: Type.Optional(Type.String()),
  name: ResourceName,
  description: Type.Optional(Description),
  workspace_id: Type.Optional(Type.String({ maxLength: 64 })),
  ai_project: Type.Optional(Type.String({ maxLength: 64 })),
});

export const AlgorithmJobConfigRequest = Type.Object({
  code_dir: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  boot_file: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  command: Type.Optional(Type.String({ maxLength: 4096 })),
  parameters: Type.Optional(Type.Array(Parameter, { maxItems: 100 })),
  inputs: Type.Optional(Type.Array(AlgorithmInput, { maxItems: 20 })),
  outputs: Type.Optional(Type.Array(AlgorithmOutput, { maxItems: 20 })),
  engine: Type.Optional(Engine),
  parameters_customization: Type.Optional(Type.Boolean()),
});
export type AlgorithmJobConfigRequest = Static<typeof AlgorithmJobConfigRequest>;

export const AdvancedConfig = Type.Object({ auto_search: Type.Optional(Type.Union([AlgorithmAutoSearch, Type.Null()])) });

export const AlgorithmRequest = Type.Object({
  metadata: AlgorithmMetadataRequest,
  job_config: Type.Optional(AlgorithmJobConfigRequest),
  resource_requirements: Type.Optional(Type.Array(ResourceRequirement, { maxItems: 10 })),
  advanced_config: Type.Optional(AdvancedConfig),
});
export type AlgorithmRequest = Static<typeof AlgorithmRequest>;

// The tables' code_tree is an array of {name, children}; the examples show a single object. Tables win.
export interface CodeTreeNode {
  name: string;
  children?: CodeTreeNode[];
}
export const CodeTree = Type.Array(
  Type.Object({ name: Type.String(), children: Type.Optional(Type.Array(Type.Unknown())) }),
  { description: 'The code directory: one node whose children are its files and folders' },
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
  // The tables type is_valid as String (the examples show a boolean): tables win.
  is_valid: Type.String(),
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
  code_tree: CodeTree,
  parameters_customization: Type.Boolean(),
});

export const AlgorithmResponse = Type.Object({
  metadata: AlgorithmMetadata,
  job_config: AlgorithmJobConfig,
  resource_requirements: Type.Array(ResourceRequirement),
  advanced_config: AdvancedConfig,
});
export type AlgorithmResponse = Static<typeof AlgorithmResponse>;

export const AlgorithmParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  algorithm_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const AlgorithmSortFields = ['create_time', 'update_time', 'name'] as const;

export const ListAlgorithmsQuery = Type.Object({
  offset: Type.Integer({ minimum: 0, default: 0, description: 'Records to skip' }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 50 }),
  sort_by: StringEnum(AlgorithmSortFields, { default: 'create_time' }),
  order: StringEnum(['asc', 'desc'] as const, { default: 'desc' }),
  group_by: Type.Optional(Type.String({ maxLength: 64 })),
  searches: Type.Optional(Type.String({ maxLength: 512, description: 'key:value pairs separated by ";", e.g. name:abc (fuzzy)' })),
  workspace_id: Type.Optional(Type.String({ maxLength: 64 })),
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
