import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { Closed, FreeMap, ListOf, PageLimit, PageOffset, Text } from '#src/core/request-bounds.ts';

export const ModelTypes = ['TensorFlow', 'MXNet', 'Caffe', 'Spark_MLlib', 'Scikit_Learn', 'XGBoost', 'Image', 'PyTorch', 'MindSpore', 'Template'] as const;
export const ModelStatuses = ['publishing', 'published', 'failed', 'building', 'building_failed'] as const;

const NoSpecial = '^[^&!\'"<>=]*$';

// The objects kept as sent and answered back by ShowModel (model_docs, dependencies, input_params,
// output_params) take only their declared fields. apis and template are read, not kept.
export const GuideDoc = Closed({
  doc_url: Text(1024),
  doc_name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z]' }),
});

export const ModelPackage = Closed({
  package_name: Type.String({ minLength: 1, maxLength: 128 }),
  package_version: Type.Optional(Text(64)),
  restraint: Type.Optional(Text(16, 'EXACT, ATLEAST or ATMOST')),
});

export const ModelDependency = Closed({
  installer: Text(32, 'pip'),
  packages: ListOf(ModelPackage, 100),
});

/** A bound for the numeric limits of an inference parameter: any finite value a client would send. */
const Limit = Type.Number({ minimum: -1e15, maximum: 1e15 });

export const InferParam = Closed({
  protocol: Text(16),
  method: Text(16),
  url: Text(1024),
  param_name: Text(128),
  param_type: Text(32, 'int, string, float, timestamp, date or file'),
  min: Type.Optional(Limit),
  max: Type.Optional(Limit),
  param_desc: Type.Optional(Text(4096)),
});

const InOutParams = Type.Object({
  type: Type.Optional(Text(32)),
  properties: Type.Optional(FreeMap(100, 'JSON Schema properties')),
});

export const RequestModelApi = Type.Object({
  protocol: Type.Optional(Text(16)),
  method: Type.Optional(Text(16)),
  url: Type.Optional(Text(1024)),
  input_params: Type.Optional(InOutParams),
  output_params: Type.Optional(InOutParams),
});

export const TemplateInput = Type.Object({ input: Text(1024), input_id: Text(64) });

export const CreateModelRequest = Type.Object({
  model_name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_\\-]+$' }),
  // Digit.Digit.Digit, each one or two digits without a leading zero.
  model_version: Type.String({ pattern: '^(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)$' }),
  source_location: Type.String({ minLength: 1, maxLength: 1024 }),
  model_type: StringEnum(ModelTypes),
  source_copy: Type.Optional(Text(8, 'true or false (images only)')),
  source_job_id: Type.Optional(Text(64)),
  source_job_version: Type.Optional(Text(64)),
  source_type: Type.Optional(Text(16)),
  initial_config: Type.Optional(Text(1024 * 1024, 'The text of config.json; at most 1 MiB')),
  execution_code: Type.Optional(Text(1024)),
  runtime: Type.Optional(Text(64)),
  description: Type.Optional(Type.String({ maxLength: 100, pattern: NoSpecial })),
  model_metrics: Type.Optional(Text(4096)),
  model_algorithm: Type.Optional(Text(36)),
  dependencies: Type.Optional(ListOf(ModelDependency, 20)),
  apis: Type.Optional(ListOf(RequestModelApi, 20)),
  input_params: Type.Optional(ListOf(InferParam, 100)),
  output_params: Type.Optional(ListOf(InferParam, 100)),
  install_type: Type.Optional(ListOf(StringEnum(['real-time', 'batch', 'edge'] as const), 3)),
  workspace_id: Type.Optional(Text(64)),
  model_docs: Type.Optional(ListOf(GuideDoc, 3, 'The spec allows three documents')),
  template: Type.Optional(Type.Object({ template_id: Text(64), infer_format: Type.Optional(Text(64)), template_inputs: ListOf(TemplateInput, 20) })),
});
export type CreateModelRequest = Static<typeof CreateModelRequest>;

export const CreateModelResponse = Type.Object({ model_id: Type.String() });

export const ModelSpecification = Type.Object({
  min_cpu: Type.Optional(Type.String()),
  min_gpu: Type.Optional(Type.String()),
  min_memory: Type.Optional(Type.String()),
  min_ascend: Type.Optional(Type.String()),
});

export const ListModelsQuery = Type.Object({
  model_name: Type.Optional(Text(64)),
  exact_match: Type.Optional(StringEnum(['true', 'false'] as const)),
  model_version: Type.Optional(Text(16)),
  model_status: Type.Optional(StringEnum(ModelStatuses)),
  description: Type.Optional(Text(100)),
  // The spec: "index of the query page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(StringEnum(['create_at', 'model_version', 'model_size'] as const)),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  workspace_id: Type.Optional(Text(64)),
  model_type: Type.Optional(Text(32)),
  not_model_type: Type.Optional(Text(32)),
});
export type ListModelsQuery = Static<typeof ListModelsQuery>;

export const ModelListItem = Type.Object({
  owner: Type.String(),
  model_version: Type.String(),
  model_type: Type.String(),
  description: Type.String(),
  project: Type.String(),
  source_type: Type.Optional(Type.String()),
  model_id: Type.String(),
  model_source: Type.String(),
  install_type: Type.Array(Type.String()),
  model_size: Type.Integer(),
  workspace_id: Type.String(),
  model_status: Type.String(),
  market_flag: Type.Boolean(),
  tunable: Type.Boolean(),
  model_name: Type.String(),
  create_at: Type.Integer(),
  publishable_flag: Type.Boolean(),
  source_copy: Type.Optional(Type.String()),
  tenant: Type.String(),
  subscription_id: Type.Optional(Type.String()),
  extra: Type.Optional(Type.String()),
  specification: ModelSpecification,
});
export type ModelListItem = Static<typeof ModelListItem>;

export const ListModelsResponse = Type.Object({
  models: Type.Array(ModelListItem),
  total_count: Type.Integer(),
  count: Type.Integer(),
});

export const ModelParams = Type.Object({ project_id: Type.String({ minLength: 1, maxLength: 64 }), model_id: Type.String({ minLength: 1, maxLength: 64 }) });

const ModelHealth = Type.Object({
  protocol: Type.Optional(Type.String()),
  initial_delay_seconds: Type.Optional(Type.String()),
  timeout_seconds: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
});

export const ModelDetail = Type.Object({
  model_id: Type.String(),
  model_name: Type.String(),
  model_version: Type.String(),
  runtime: Type.String(),
  tenant: Type.String(),
  project: Type.String(),
  owner: Type.String(),
  source_location: Type.String(),
  source_job_id: Type.Optional(Type.String()),
  source_job_version: Type.Optional(Type.String()),
  source_type: Type.Optional(Type.String()),
  source_copy: Type.Optional(Type.String()),
  description: Type.String(),
  workspace_id: Type.String(),
  model_algorithm: Type.String(),
  model_docs: Type.Array(GuideDoc),
  execution_code: Type.Optional(Type.String()),
  schema_doc: Type.Optional(Type.String()),
  image_address: Type.Optional(Type.String()),
  input_params: Type.Array(InferParam),
  output_params: Type.Array(InferParam),
  health: Type.Optional(ModelHealth),
  model_metrics: Type.Optional(Type.String()),
  model_type: Type.String(),
  dependencies: Type.Array(ModelDependency),
  model_size: Type.Integer(),
  model_status: Type.String(),
  /** Failure reason when model_status is failed (an Atelier addition). */
  error_msg: Type.Optional(Type.String()),
  apis: Type.String({ description: 'JSON text of the apis array' }),
  model_source: Type.String(),
  tunable: Type.Boolean(),
  market_flag: Type.Boolean(),
  publishable_flag: Type.Boolean(),
  model_labels: Type.Array(Type.String()),
  labels_map: Type.Object({ labels: Type.Array(Type.String()) }),
  install_type: Type.Array(Type.String()),
  config: Type.String({ description: 'JSON text of config.json' }),
  specification: ModelSpecification,
  create_at: Type.Integer(),
});
export type ModelDetail = Static<typeof ModelDetail>;

export const DeleteModelQuery = Type.Object({ cascade: Type.Optional(Type.Boolean()) });

export const DeleteModelResponse = Type.Object({
  delete_success_list: Type.Array(Type.String()),
  delete_failed_list: Type.Array(Type.Object({ error_msg: Type.String(), error_code: Type.String(), model_id: Type.String() })),
});
export type DeleteModelResponse = Static<typeof DeleteModelResponse>;
