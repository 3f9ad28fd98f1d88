import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { Closed, FreeMap, ListOf, PageLimit, PageOffset, Text } from '#src/core/request-bounds.ts';

export const ModelTypes = ['TensorFlow', 'MXNet', 'Caffe', 'Spark_MLlib', 'Scikit_Learn', 'XGBoost', 'Image', 'PyTorch', 'MindSpore', 'Template'] as const;
export const ModelStatuses = ['publishing', 'published', 'failed', 'building', 'building_failed'] as const;

/** What each model type's package must hold in model/ (besides config.json), as checked at import. */
const MODEL_TYPE_MEANINGS: Record<(typeof ModelTypes)[number], string> = {
  TensorFlow: 'a SavedModel (saved_model.pb) or a .pb, .h5 or .keras file',
  MXNet: 'a .params file',
  Caffe: 'a .prototxt and a .caffemodel file',
  Spark_MLlib: 'a spark_model/ folder',
  Scikit_Learn: 'a .m, .pkl or .joblib file',
  XGBoost: 'a .m, .pkl or .joblib file',
  Image:
    'nothing: a custom image named by config.json swr_location (or source_location itself when it is an image reference), serving its apis on port 8080; deployed as a service on the kubernetes executor only (the local executor has no container runtime)',
  PyTorch: 'a .pth or .pt file and customize_service.py',
  MindSpore: 'a .ckpt, .mindir or .om file',
  Template: 'refused: no templates are offered here',
};

/** The statuses Atelier gives a model; building and building_failed (image builds) never occur here. */
const MODEL_STATUS_MEANINGS: Record<(typeof ModelStatuses)[number], string> = {
  publishing: 'the package is being copied from OBS to the server',
  published: 'copied to the server (a model imported from an image reference at once: nothing is copied), ready to deploy',
  failed: 'the copy failed, error_msg says why',
  building: 'never occurs here (no image builds), so it matches nothing',
  building_failed: 'never occurs here, so it matches nothing',
};

const MODEL_STATUS_TEXT =
  'Model status: publishing (the package is being copied from OBS to the server), published (copied to the server, or imported from an image reference, which copies nothing; ready to deploy) or failed (the copy failed, error_msg says why); building and building_failed never occur here';

const NoSpecial = '^[^&!\'"<>=]*$';

// The objects kept as sent and answered back by ShowModel (model_docs, dependencies, input_params,
// output_params) take only their declared fields. apis and template are read, not kept.
export const GuideDoc = Closed({
  doc_url: Text(1024, 'HTTP(S) link of the document; kept as sent, not fetched'),
  doc_name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z]', description: 'Document name, starting with a letter' }),
});

export const ModelPackage = Closed({
  package_name: Type.String({ minLength: 1, maxLength: 128, description: 'pip package name' }),
  package_version: Type.Optional(Text(64, 'Package version; needs restraint')),
  restraint: Type.Optional(Text(16, 'How package_version binds: EXACT, ATLEAST or ATMOST')),
});

export const ModelDependency = Closed({
  installer: Text(32, 'Installer, pip'),
  packages: ListOf(ModelPackage, 100, 'Packages the model needs'),
});

/** A bound for the numeric limits of an inference parameter: any finite value a client would send. */
const Limit = Type.Number({ minimum: -1e15, maximum: 1e15 });

// Kept and answered back as documentation: predictions are checked against config.json's apis, not these.
export const InferParam = Closed({
  protocol: Text(16, 'Request protocol of the API, e.g. http'),
  method: Text(16, 'Request method of the API, e.g. post'),
  url: Text(1024, 'Path of the API, e.g. "/"'),
  param_name: Text(128, 'Parameter name'),
  param_type: Text(32, 'int, string, float, timestamp, date or file'),
  min: Type.Optional({ ...Limit, description: 'Smallest value of a numeric parameter' }),
  max: Type.Optional({ ...Limit, description: 'Largest value of a numeric parameter' }),
  param_desc: Type.Optional(Text(4096, 'What the parameter is')),
});

const InOutParams = Type.Object({
  type: Type.Optional(Text(32, 'JSON Schema type, e.g. object')),
  properties: Type.Optional(FreeMap(100, 'JSON Schema properties')),
});

export const RequestModelApi = Type.Object({
  protocol: Type.Optional(Text(16, 'Request protocol')),
  method: Type.Optional(Text(16, 'Request method, post or get')),
  url: Type.Optional(Text(1024, 'Path of the API')),
  input_params: Type.Optional({ ...InOutParams, description: 'JSON Schema of the request body' }),
  output_params: Type.Optional({ ...InOutParams, description: 'JSON Schema of the response body' }),
});

export const TemplateInput = Type.Object({ input: Text(1024, 'OBS path of the input'), input_id: Text(64, 'Input ID of the template') });

export const CreateModelRequest = Type.Object({
  model_name: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9_\\-]+$',
    description: 'Model name: 1 to 64 letters, digits, _ or -; with model_version, unique in the project',
  }),
  // Digit.Digit.Digit, each one or two digits without a leading zero.
  model_version: Type.String({
    pattern: '^(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)\\.(0|[1-9][0-9]?)$',
    description: 'Version as three numbers 0 to 99 without leading zeros, e.g. 1.0.0',
  }),
  source_location: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      'OBS folder holding the package folder model/ (with config.json): /bucket/dir/, obs://bucket/dir/ or https://bucket.obs.<region>.../dir; a bucket of the account. ' +
      'For model_type Image, a container image reference instead (registry/organization/name:tag or @sha256:digest, at most 255 characters, e.g. swr.<region>.example.com/org/name:1.0): ' +
      'the model is that image, initial_config gives its config.json (apis required), and it is published at once; only the kubernetes executor takes one',
  }),
  model_type: StringCodes(
    ModelTypes,
    MODEL_TYPE_MEANINGS,
    'Model type; must equal config.json model_type unless runtime is onnxruntime. What model/ must hold',
  ),
  source_copy: Type.Optional(
    StringCodes(
      ['true', 'false'] as const,
      {
        true: 'asks for a copy of the image; accepted, but no copy is made',
        false: 'no copy: what Atelier always does',
      },
      'Image replication (model_type Image from an image reference). Atelier copies no image: the cluster pulls the reference when a pod starts, so a change to the image in its registry reaches pods started later; ShowModel answers false',
    ),
  ),
  source_job_id: Type.Optional(
    Text(64, 'Training job the model comes from: a Completed job of the project, one of whose outputs holds source_location; blank or absent for none'),
  ),
  source_job_version: Type.Optional(Text(64, 'Version of that training job, kept as sent; only with source_job_id')),
  source_type: Type.Optional(Text(16, 'Kept as sent; auto marks an ExeML model (model_source auto)')),
  initial_config: Type.Optional(
    Text(
      1024 * 1024,
      'The text of config.json, read instead of model/config.json of the package; at most 1 MiB. Required when source_location is an image reference, with at least one api; its swr_location may be left out (source_location is the image)',
    ),
  ),
  execution_code: Type.Optional(
    Text(1024, 'OBS path of the inference code, kept as sent; when model/customize_service.py exists, its path is recorded instead'),
  ),
  runtime: Type.Optional(
    Text(
      64,
      'Runtime; default config.json runtime, else python3.6. onnxruntime serves a .onnx file natively; any other value runs the Python model server with the interpreter ATELIER_PYTHON_<RUNTIME>, ATELIER_PYTHON or python3',
    ),
  ),
  description: Type.Optional(Type.String({ maxLength: 100, pattern: NoSpecial, description: 'Model description, at most 100 characters without &!\'"<>=' })),
  model_metrics: Type.Optional(Text(4096, 'Model precision as JSON text, e.g. {"f1":0.52}; default config.json metrics')),
  model_algorithm: Type.Optional(Text(36, 'Accepted and ignored: the algorithm is read from config.json model_algorithm')),
  dependencies: Type.Optional(
    ListOf(
      ModelDependency,
      20,
      'Packages the inference code needs, kept when config.json lists none; Atelier installs nothing (the interpreter has what it has)',
    ),
  ),
  apis: Type.Optional(ListOf(RequestModelApi, 20, 'Accepted and ignored: the APIs are read from config.json apis')),
  input_params: Type.Optional(ListOf(InferParam, 100, 'Input parameters, kept as sent; default one entry per config.json API with its request schema')),
  output_params: Type.Optional(ListOf(InferParam, 100, 'Output parameters, kept as sent; default one entry per config.json API with its response schema')),
  install_type: Type.Optional(
    ListOf(
      StringCodes(['real-time', 'batch', 'edge'] as const, { 'real-time': 'real-time service', batch: 'batch service', edge: 'edge service' }, 'Service type'),
      3,
      'Service types the model is meant for (real-time, batch, edge), default real-time and batch; recorded only, CreateService does not check it',
    ),
  ),
  workspace_id: Type.Optional(Text(64, 'Workspace ID, default "0"; ListModels shows one workspace at a time')),
  model_docs: Type.Optional(ListOf(GuideDoc, 3, 'Documents of the model, kept and answered back')),
  template: Type.Optional(
    Type.Object(
      {
        template_id: Text(64, 'Template ID'),
        infer_format: Type.Optional(Text(64, 'Input and output mode ID')),
        template_inputs: ListOf(TemplateInput, 20, 'Inputs of the template'),
      },
      { description: 'For model_type Template, which is refused here: every template ID is unknown (404 ModelArts.3021)' },
    ),
  ),
});
export type CreateModelRequest = Static<typeof CreateModelRequest>;

export const CreateModelResponse = Type.Object({
  model_id: Type.String({ description: 'ID (UUID) of the new model, publishing until its package is copied' }),
});

export const ModelSpecification = Type.Object(
  {
    min_cpu: Type.Optional(Type.String({ description: 'Fewest CPU cores; never returned here' })),
    min_gpu: Type.Optional(Type.String({ description: 'Fewest GPUs; never returned here' })),
    min_memory: Type.Optional(Type.String({ description: 'Least memory; never returned here' })),
    min_ascend: Type.Optional(Type.String({ description: 'Fewest Ascend chips; never returned here' })),
  },
  { description: 'Smallest resources to deploy the model on; always {} here (any offered flavor may be used)' },
);

export const ListModelsQuery = Type.Object({
  model_name: Type.Optional(Text(64, 'Models whose name contains this text; "_" matches any one character unless exact_match is true')),
  exact_match: Type.Optional(
    StringCodes(
      ['true', 'false'] as const,
      { true: '"_" in model_name matches only "_"', false: '"_" matches any one character (the default)' },
      'How model_name treats "_"; the match stays a substring match',
    ),
  ),
  model_version: Type.Optional(Text(16, 'Models of exactly this version')),
  model_status: Type.Optional(StringCodes(ModelStatuses, MODEL_STATUS_MEANINGS, 'Models in this status')),
  description: Type.Optional(Text(100, 'Models whose description contains this text')),
  // The spec: "index of the query page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(
    StringCodes(
      ['create_at', 'model_version', 'model_size'] as const,
      { create_at: 'import time (the default)', model_version: 'version, compared as text', model_size: 'package size' },
      'Sort field',
    ),
  ),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (the default)' }, 'Sort order')),
  workspace_id: Type.Optional(Text(64, 'Workspace whose models are listed, default "0"')),
  model_type: Type.Optional(Text(32, 'Models of exactly this type, e.g. TensorFlow; not with not_model_type')),
  not_model_type: Type.Optional(Text(32, 'Models of any other type; not with model_type')),
});
export type ListModelsQuery = Static<typeof ListModelsQuery>;

// Fields the list and the details share, described once.
const Owner = Type.String({ description: 'User ID of the importer' });
const ModelVersion = Type.String({ description: 'Model version, e.g. 1.0.0' });
const ModelType = Type.String({ description: 'Model type, e.g. TensorFlow (as in config.json; for runtime onnxruntime as sent)' });
const ModelDescription = Type.String({ description: 'Model description, "" when none was given' });
const Project = Type.String({ description: 'Project ID' });
const SourceType = Type.Optional(Type.String({ description: 'Source type as sent at import (auto: ExeML); absent when none was sent' }));
const ModelId = Type.String({ description: 'Model ID (UUID)' });
const ModelSource = Type.String({ description: 'Model source: auto (ExeML, source_type auto) or custom (any other model); algos never occurs here' });
const InstallType = Type.Array(Type.String(), { description: 'Service types the model is meant for, as sent at import; default ["real-time", "batch"]' });
const ModelSize = Type.Integer({ description: 'Bytes of the files under model/ at import; 0 for a model imported from an image reference' });
const WorkspaceId = Type.String({ description: 'Workspace ID, "0" for the default workspace' });
const ModelStatus = Type.String({ description: MODEL_STATUS_TEXT });
const MarketFlag = Type.Boolean({ description: 'Whether the model comes from AI Gallery; always false here' });
const Tunable = Type.Boolean({ description: 'Whether the model can be tuned; always false here' });
const ModelName = Type.String({ description: 'Model name' });
const CreateAt = Type.Integer({ description: 'Import time, epoch ms' });
const PublishableFlag = Type.Boolean({ description: 'Whether the model can be published to AI Gallery; always false here' });
const Tenant = Type.String({ description: 'Account (domain) ID of the importer' });

export const ModelListItem = Type.Object({
  owner: Owner,
  model_version: ModelVersion,
  model_type: ModelType,
  description: ModelDescription,
  project: Project,
  source_type: SourceType,
  model_id: ModelId,
  model_source: ModelSource,
  install_type: InstallType,
  model_size: ModelSize,
  workspace_id: WorkspaceId,
  model_status: ModelStatus,
  market_flag: MarketFlag,
  tunable: Tunable,
  model_name: ModelName,
  create_at: CreateAt,
  publishable_flag: PublishableFlag,
  source_copy: Type.Optional(
    Type.String({ description: 'Image replication: false for an Image model imported from an image reference (no image is copied); absent for other models' }),
  ),
  tenant: Tenant,
  subscription_id: Type.Optional(Type.String({ description: 'AI Gallery subscription ID; never returned here' })),
  extra: Type.Optional(Type.String({ description: 'Extension field; never returned here' })),
  specification: ModelSpecification,
});
export type ModelListItem = Static<typeof ModelListItem>;

export const ListModelsResponse = Type.Object({
  models: Type.Array(ModelListItem, { description: 'The page of models' }),
  total_count: Type.Integer({ description: 'Models that match the query, all pages' }),
  count: Type.Integer({ description: 'Models in this answer' }),
});

export const ModelParams = Type.Object({
  ...ProjectParams.properties,
  model_id: Type.String({ minLength: 1, maxLength: 64, description: 'Model ID' }),
});

// config.json's health, as the package gives it. The instances are checked with GET /health of the model server.
const ModelHealth = Type.Object(
  {
    protocol: Type.Optional(Type.String({ description: 'Protocol of the check, as config.json gives it' })),
    initial_delay_seconds: Type.Optional(Type.String({ description: 'Seconds after an instance starts before the checks begin (at most 3600 are used)' })),
    timeout_seconds: Type.Optional(Type.String({ description: 'Seconds a check may take before it fails (at most 300 are used; default 5)' })),
    url: Type.Optional(Type.String({ description: "Path of the check as config.json gives it; unused here (Atelier's model servers answer their own check)" })),
  },
  { description: 'Health check of the instances, from config.json health; absent when it has none' },
);

export const ModelDetail = Type.Object({
  model_id: ModelId,
  model_name: ModelName,
  model_version: ModelVersion,
  runtime: Type.String({ description: 'Runtime: onnxruntime (served natively) or the Python runtime name, e.g. python3.6; "" for an Image model without one' }),
  tenant: Tenant,
  project: Project,
  owner: Owner,
  source_location: Type.String({
    description: 'OBS folder of the package, or the container image reference an Image model was imported from, as sent at import',
  }),
  source_job_id: Type.Optional(Type.String({ description: 'Training job the model comes from; absent when none' })),
  source_job_version: Type.Optional(Type.String({ description: 'Version of that training job, as sent; absent when none' })),
  source_type: SourceType,
  source_copy: Type.Optional(
    Type.String({ description: 'Image replication: false for an Image model imported from an image reference (no image is copied); absent for other models' }),
  ),
  description: ModelDescription,
  workspace_id: WorkspaceId,
  model_algorithm: Type.String({ description: 'Algorithm from config.json model_algorithm, e.g. image_classification' }),
  model_docs: Type.Array(GuideDoc, { description: 'Documents of the model, as sent at import' }),
  execution_code: Type.Optional(
    Type.String({ description: 'OBS path of model/customize_service.py when the package has one, else as sent at import; absent when neither' }),
  ),
  schema_doc: Type.Optional(Type.String({ description: 'Download address of a schema file; never returned here' })),
  image_address: Type.Optional(Type.String({ description: 'Image built from the model; never returned here (no image builds)' })),
  input_params: Type.Array(InferParam, {
    description: 'As sent at import, else one entry per config.json API: param_name data, param_type object, param_desc its request JSON Schema',
  }),
  output_params: Type.Array(InferParam, { description: 'As sent at import, else like input_params with the response JSON Schema' }),
  health: Type.Optional(ModelHealth),
  model_metrics: Type.Optional(Type.String({ description: 'Model precision as JSON text, from the import or config.json metrics; absent when neither' })),
  model_type: ModelType,
  dependencies: Type.Array(ModelDependency, { description: 'Packages from config.json, else as sent at import; recorded only, nothing is installed' }),
  model_size: ModelSize,
  model_status: ModelStatus,
  error_msg: Type.Optional(Type.String({ description: 'Why publishing failed, when model_status is failed (an Atelier addition)' })),
  apis: Type.String({ description: 'JSON text of the apis array of config.json, with defaults filled in' }),
  model_source: ModelSource,
  tunable: Tunable,
  market_flag: MarketFlag,
  publishable_flag: PublishableFlag,
  model_labels: Type.Array(Type.String(), { description: 'Model labels; always [] here' }),
  labels_map: Type.Object(
    { labels: Type.Array(Type.String(), { description: 'The model labels; always [] here' }) },
    { description: 'The labels under the key labels' },
  ),
  install_type: InstallType,
  config: Type.String({ description: 'JSON text of config.json as checked at import, with defaults filled in' }),
  specification: ModelSpecification,
  create_at: CreateAt,
});
export type ModelDetail = Static<typeof ModelDetail>;

export const DeleteModelQuery = Type.Object({
  cascade: Type.Optional(
    Type.Boolean({
      description: 'true: delete the versions of the model name, the oldest 20 at most (this model only when among them); default false, this model only',
    }),
  ),
});

export const DeleteModelResponse = Type.Object({
  delete_success_list: Type.Array(Type.String(), { description: 'IDs of the models deleted' }),
  delete_failed_list: Type.Array(
    Type.Object({
      error_msg: Type.String({ description: 'Why it was kept' }),
      error_code: Type.String({ description: 'ModelArts.3009: a service uses the model' }),
      model_id: Type.String({ description: 'ID of the model kept' }),
    }),
    { description: 'Models not deleted because a service uses them' },
  ),
});
export type DeleteModelResponse = Static<typeof DeleteModelResponse>;
