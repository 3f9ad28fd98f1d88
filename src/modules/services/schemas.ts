import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes, meaningsText } from '#src/core/schemas.ts';
import { Closed, FreeMap, ListOf, PageLimit, PageOffset, StringMap, Text } from '#src/core/request-bounds.ts';

export const InferTypes = ['real-time', 'batch', 'edge'] as const;
export const ServiceStatuses = ['running', 'deploying', 'concerning', 'failed', 'stopped', 'finished'] as const;

const INFER_TYPE_MEANINGS: Record<(typeof InferTypes)[number], string> = {
  'real-time': 'instances keep running and answer predictions at access_address',
  batch: 'one run over the input files of src_path, results written to dest_path, then finished',
  edge: 'edge nodes; refused here (400 ModelArts.3518), so no service has it',
};

/** The statuses as Atelier sets them (service-manager.ts, batch-runner.ts). */
const SERVICE_STATUS_MEANINGS: Record<(typeof ServiceStatuses)[number], string> = {
  running: 'every instance answers; for a batch service, the run is under way',
  deploying: 'instances are starting (after creation, a start, a config change or a restart of Atelier); during a config change the old instances still serve',
  concerning: 'an instance of a real-time service crashed or stopped answering its health checks and is being replaced',
  failed: 'the deployment or the batch run failed, or after a restart of Atelier the pool had no room; error_msg says why',
  stopped: 'stopped by UpdateService or by its schedule; no instance runs',
  finished: 'a batch service whose run went through all its inputs',
};

// Schedule and custom_spec are kept as sent and answered back: an undeclared key is refused. The
// other objects are read field by field (ServiceConfig), so what they do not declare is dropped.
export const Schedule = Closed({
  duration: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many time_units after the request the service stops' }),
  time_unit: StringCodes(['DAYS', 'HOURS', 'MINUTES'] as const, { DAYS: 'days', HOURS: 'hours', MINUTES: 'minutes' }, 'Unit of duration'),
  type: StringCodes(['stop'] as const, { stop: 'stop the service when the time is up' }, 'What the schedule does'),
});
export type Schedule = Static<typeof Schedule>;

export const CustomSpec = Closed(
  {
    gpu_p4: Type.Optional(Type.Number({ minimum: 0, maximum: 64, description: 'GPUs per instance; only 0 is served here (this host has none)' })),
    memory: Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024, description: 'Memory per instance, MB' }),
    cpu: Type.Number({ minimum: 0.01, maximum: 1024, description: 'CPU cores per instance, fractions allowed' }),
    ascend_a310: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, description: 'Ascend chips per instance; only 0 is served here' })),
  },
  { description: 'Resources of one instance when specification is custom' },
);
export type CustomSpec = Static<typeof CustomSpec>;

// The tables type weight as an Integer; the spec's own examples send it as a string ("70").
export const Weight = Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.String({ pattern: '^(100|[1-9]?[0-9])$' })], {
  description:
    'Percent of the predictions, 0 to 100, as an integer or a string of digits ("70"); required for a real-time service, whose weights sum to 100; ignored for a batch one',
});

const SPECIFICATION_TEXT = 'Flavor of each instance: one ShowServiceSpecifications lists (e.g. modelarts.vm.cpu.2u), or custom with custom_spec';

export const ServiceConfig = Type.Object({
  model_id: Type.String({ minLength: 1, maxLength: 64, description: 'A published model of the project; each model version at most once' }),
  specification: Type.String({ minLength: 1, maxLength: 64, description: SPECIFICATION_TEXT }),
  custom_spec: Type.Optional(CustomSpec),
  weight: Type.Optional(Weight),
  // The spec caps instances at 5 per model.
  instance_count: Type.Integer({ minimum: 1, maximum: 5, description: "Instances of the model; each takes its flavor's cores and memory from the local pool" }),
  envs: Type.Optional(StringMap(100, 4096, "Environment variables of the model's instances")),
  src_path: Type.Optional(
    Text(
      1024,
      'Batch services: OBS folder of the input files (/bucket/dir/), or the .manifest file when src_type is ManifestFile; a bucket the account may read',
    ),
  ),
  req_uri: Type.Optional(Text(1024, 'Batch services: the url of the first API in config.json, "/" for the built-in runtimes')),
  mapping_type: Type.Optional(
    StringCodes(
      ['file', 'csv'] as const,
      {
        file: 'one request per input file (multipart when the API takes multipart/form-data, else the file as JSON)',
        csv: 'one JSON request per row of each .csv file, built by mapping_rule',
      },
      'Batch services: how inputs become requests',
    ),
  ),
  mapping_rule: Type.Optional(
    FreeMap(100, 'Batch services with mapping_type csv: the request schema whose leaves name a CSV column by index (from 0) and a type'),
  ),
  src_type: Type.Optional(Text(32, 'Batch services: ManifestFile when src_path is a manifest; absent for a folder')),
  dest_path: Type.Optional(
    Text(
      1024,
      'Batch services: OBS output folder; each result goes to infer-result/<file name>_result.txt in it, and each instance writes infer-result-<n>.manifest',
    ),
  ),
  cluster_id: Type.Optional(
    Text(
      64,
      "Resource pool of this model: local (the public pool) or a dedicated pool of the project admitting Infer; default the service's pool, and it must be the same",
    ),
  ),
  pool_name: Type.Optional(Text(64, 'Accepted and ignored here (the service cluster_id or pool_name applies)')),
  nodes: Type.Optional(ListOf(Text(64), 100, 'Edge nodes; accepted and ignored (no edge services)')),
  additional_properties: Type.Optional(FreeMap(50, 'Accepted and ignored')),
});
export type ServiceConfig = Static<typeof ServiceConfig>;

const SCHEDULE_TEXT = 'Stops a real-time service after the given time (batch services keep it but end by themselves)';
const NO_NETWORKS = 'Accepted and ignored: instances run on this host, without VPCs';

export const CreateServiceRequest = Type.Object({
  service_name: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9_\\-]+$',
    description: 'Service name: 1 to 64 letters, digits, _ or -; unique in the project',
  }),
  infer_type: StringCodes(InferTypes, INFER_TYPE_MEANINGS, 'Inference mode'),
  config: Type.Array(ServiceConfig, {
    minItems: 1,
    maxItems: 10,
    description: 'The models of the service: 1 to 10; exactly 1 for a batch service, weights summing to 100 for a real-time one',
  }),
  description: Type.Optional(
    Type.String({ maxLength: 100, pattern: '^[^&!\'"<>=]*$', description: 'Service description, at most 100 characters without &!\'"<>=' }),
  ),
  workspace_id: Type.Optional(Text(64, 'Workspace ID, default "0"; ListServices shows one workspace at a time')),
  schedule: Type.Optional(ListOf(Schedule, 1, SCHEDULE_TEXT)),
  cluster_id: Type.Optional(
    Text(
      64,
      'Resource pool of every model: local (the public pool, as ListClusters lists it) or the id (metadata.name) of a dedicated pool of the project whose scope includes Infer; absent: the public pool. In a dedicated pool without room now, the service stays deploying until room frees',
    ),
  ),
  pool_name: Type.Optional(Text(64, 'Same as cluster_id, used when cluster_id is absent')),
  vpc_id: Type.Optional(Text(64, NO_NETWORKS)),
  security_group_id: Type.Optional(Text(64, NO_NETWORKS)),
  subnet_network_id: Type.Optional(Text(64, NO_NETWORKS)),
  additional_properties: Type.Optional(FreeMap(50, 'Kept and answered back; Atelier acts on none of them (no SMN notifications)')),
});
export type CreateServiceRequest = Static<typeof CreateServiceRequest>;

export const CreateServiceResponse = Type.Object({
  service_id: Type.String({ description: 'ID (UUID) of the new service; it is deploying' }),
  resource_ids: Type.Array(Type.String(), { description: 'One resource ID, INF-<service_id>' }),
});

export const ServiceParams = Type.Object({
  ...ProjectParams.properties,
  service_id: Type.String({ minLength: 1, maxLength: 1024, description: 'Service ID' }),
});

export const DeleteServiceParams = Type.Object({
  ...ProjectParams.properties,
  service_id: Type.String({
    minLength: 1,
    maxLength: 1024,
    description: 'Service ID, or several separated by commas; when one is not found the answer is 404 and none is deleted',
  }),
});

export const ListServicesQuery = Type.Object({
  service_id: Type.Optional(Text(64, 'The service of this ID')),
  service_name: Type.Optional(Text(64, 'The service of exactly this name')),
  model_id: Type.Optional(Text(64, 'Services one of whose models is this one')),
  workspace_id: Type.Optional(Text(64, 'Workspace whose services are listed, default "0"')),
  infer_type: Type.Optional(StringCodes(InferTypes, INFER_TYPE_MEANINGS, 'Services of this inference mode')),
  status: Type.Optional(StringCodes(ServiceStatuses, SERVICE_STATUS_MEANINGS, 'Services in this status')),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(
    StringCodes(['publish_at', 'service_name'] as const, { publish_at: 'creation time (the default)', service_name: 'name' }, 'Sort field'),
  ),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (the default)' }, 'Sort order')),
});
export type ListServicesQuery = Static<typeof ListServicesQuery>;

const START_TIME_TEXT = "Batch services: when the last run's instances were up and it began, epoch ms; absent before";
const FINISHED_TIME_TEXT = 'Batch services: when the last complete run ended, epoch ms; absent before';

const ServiceCommon = {
  service_id: Type.String({ description: 'Service ID (UUID)' }),
  service_name: Type.String({ description: 'Service name' }),
  description: Type.String({ description: 'Service description, "" when none was given' }),
  tenant: Type.String({ description: 'Account (domain) ID of the creator' }),
  project: Type.String({ description: 'Project ID' }),
  owner: Type.String({ description: 'User ID of the creator' }),
  publish_at: Type.Integer({ description: 'Creation time, epoch ms' }),
  infer_type: Type.String({
    description: `Inference mode. ${meaningsText({ 'real-time': INFER_TYPE_MEANINGS['real-time'], batch: INFER_TYPE_MEANINGS.batch })}`,
  }),
  workspace_id: Type.String({ description: 'Workspace ID, "0" for the default workspace' }),
  status: Type.String({ description: `Service status. ${meaningsText(SERVICE_STATUS_MEANINGS)}` }),
  invocation_times: Type.Integer({
    description: 'Predictions the service received, ones refused for their input included; for a batch service, input files processed (each run adds)',
  }),
  failed_times: Type.Integer({ description: 'Predictions that failed (refused input, model error, timeout); for a batch service, input files that failed' }),
  is_shared: Type.Boolean({ description: 'Whether the service is subscribed from another account; always false here' }),
  shared_count: Type.Integer({ description: 'Subscriptions of the service; always 0 here' }),
  schedule: Type.Optional(Type.Array(Schedule, { description: 'The schedule as last set; absent when none' })),
  due_time: Type.Optional(
    Type.Integer({ description: 'When the schedule stops the service, epoch ms (only a real-time service is stopped by it); absent without a schedule' }),
  ),
  operation_time: Type.Integer({ description: 'Time of this answer, epoch ms' }),
  transition_at: Type.Integer({ description: 'When status last changed, epoch ms' }),
  is_free: Type.Boolean({ description: 'True when every model uses the free flavor modelarts.vm.cpu.free' }),
  additional_properties: Type.Record(Type.String(), Type.Unknown(), { description: 'As last sent by CreateService or UpdateService, {} when none' }),
  progress: Type.Optional(
    Type.Integer({ description: 'While deploying, percent of the starting instances that answer (0 for a batch service); 100 when running; absent otherwise' }),
  ),
  start_time: Type.Optional(Type.Integer({ description: START_TIME_TEXT })),
  finished_time: Type.Optional(Type.Integer({ description: FINISHED_TIME_TEXT })),
};

export const ServiceListItem = Type.Object({
  ...ServiceCommon,
  is_opened_sample_collection: Type.String({ description: 'Whether data collection is on; always "false" here' }),
});
export type ServiceListItem = Static<typeof ServiceListItem>;

export const ListServicesResponse = Type.Object({
  total_count: Type.Integer({ description: 'Services that match the query, all pages' }),
  count: Type.Integer({ description: 'Services in this answer' }),
  services: Type.Array(ServiceListItem, { description: 'The page of services' }),
});

const WeightOut = Type.Integer({ description: 'Percent of the predictions sent to this model; absent for a batch service' });
const EnvsOut = Type.Record(Type.String(), Type.String(), { description: "Environment variables of the model's instances" });
const ClusterOut = Type.String({ description: 'Resource pool, local; absent when none was named' });
const InstanceCountOut = Type.Integer({ description: 'Instances of the model' });

export const QueryServiceConfig = Type.Object({
  model_id: Type.String({ description: 'Model ID' }),
  model_name: Type.String({ description: 'Model name' }),
  model_version: Type.String({ description: 'Model version' }),
  specification: Type.String({ description: 'Flavor of each instance, or custom (see custom_spec)' }),
  custom_spec: Type.Optional(CustomSpec),
  weight: Type.Optional(WeightOut),
  instance_count: InstanceCountOut,
  envs: EnvsOut,
  status: Type.String({
    description:
      "The model's status, from the service's: running (service running or concerning), stopped, failed, or notReady (deploying, or a finished batch)",
  }),
  scaling: Type.Boolean({ description: 'Whether auto scaling is on; always false here' }),
  support_debug: Type.Boolean({ description: 'Whether online debugging is offered; always false here' }),
  additional_properties: Type.Record(Type.String(), Type.Unknown(), { description: "Always {} here (a config's additional_properties are not kept)" }),
  cluster_id: Type.Optional(ClusterOut),
  src_path: Type.Optional(Type.String({ description: 'Batch services: input folder or manifest, as sent' })),
  dest_path: Type.Optional(Type.String({ description: 'Batch services: output folder, as sent' })),
  req_uri: Type.Optional(Type.String({ description: 'Batch services: the API url called' })),
  mapping_type: Type.Optional(Type.String({ description: 'Batch services: file (a request per file) or csv (a request per CSV row)' })),
  mapping_rule: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Batch services: the CSV mapping rule, as sent' })),
  src_type: Type.Optional(Type.String({ description: 'Batch services: ManifestFile when src_path is a manifest' })),
  start_time: Type.Optional(Type.Integer({ description: START_TIME_TEXT })),
  finished_time: Type.Optional(Type.Integer({ description: FINISHED_TIME_TEXT })),
});
export type QueryServiceConfig = Static<typeof QueryServiceConfig>;

export const ServiceDetail = Type.Object({
  ...ServiceCommon,
  cluster_id: Type.Optional(
    Type.String({ description: 'Resource pool named at creation (cluster_id or pool_name): local or a dedicated pool id; absent when none' }),
  ),
  error_msg: Type.Optional(Type.String({ description: 'Why the deployment or the batch run failed; cleared when the service runs again' })),
  config: Type.Array(QueryServiceConfig, { description: 'The models of the service' }),
  access_address: Type.Optional(
    Type.String({ description: 'Real-time services: where predictions are POSTed, <scheme>://<host the client used>/v1/infers/<service_id>' }),
  ),
  update_time: Type.Integer({ description: 'Time of the last UpdateService, or of the creation, epoch ms' }),
});
export type ServiceDetail = Static<typeof ServiceDetail>;

export const UpdateServiceRequest = Type.Object({
  description: Type.Optional(
    Type.String({ maxLength: 100, pattern: '^[^&!\'"<>=]*$', description: 'New description, at most 100 characters without &!\'"<>=' }),
  ),
  config: Type.Optional(
    Type.Array(ServiceConfig, {
      minItems: 1,
      maxItems: 10,
      description:
        'New models, 1 to 10: a running real-time service rolls to them (the old instances serve until the new ones answer, and stay if they fail); otherwise kept for the next start',
    }),
  ),
  status: Type.Optional(
    StringCodes(
      ['running', 'stopped'] as const,
      {
        running: 'start a stopped, failed or finished service (a batch service runs again from its first input)',
        stopped: 'stop it and end its instances',
      },
      'New status; with config too, only the status changes',
    ),
  ),
  schedule: Type.Optional(ListOf(Schedule, 1, `${SCHEDULE_TEXT}; the time counts from this request, [] removes it`)),
  additional_properties: Type.Optional(FreeMap(50, 'Replaces the kept additional properties')),
});
export type UpdateServiceRequest = Static<typeof UpdateServiceRequest>;

export const EmptyBody = Type.Object({}, { description: 'An empty object' });

const ServiceNameOut = Type.String({ description: 'Service name' });
const ServiceIdOut = Type.String({ description: 'Service ID' });

// Real-time services: a batch service's instances are not counted, so its figures are 0.
export const MonitorResponse = Type.Object({
  service_name: ServiceNameOut,
  service_id: ServiceIdOut,
  monitors: Type.Array(
    Type.Object({
      failed_times: Type.Integer({ description: 'Failed predictions of this model since Atelier started' }),
      model_version: Type.String({ description: 'Model version' }),
      cpu_memory_total: Type.Integer({ description: "Memory of the model's serving instances together, MB (flavor memory × instances)" }),
      gpu_usage: Type.Number({ description: 'GPUs in use; always 0 here' }),
      gpu_total: Type.Number({ description: 'GPUs of the instances; always 0 here' }),
      model_id: Type.String({ description: 'Model ID' }),
      invocation_times: Type.Integer({ description: 'Predictions sent to this model since Atelier started' }),
      cpu_core_usage: Type.Number({ description: "CPU cores the model's instances use now, together" }),
      cpu_core_total: Type.Number({ description: "CPU cores of the model's serving instances together (flavor cores × instances)" }),
      model_name: Type.String({ description: 'Model name' }),
      cpu_memory_usage: Type.Integer({ description: "Memory the model's instances use now, together, MB" }),
      latency_ms: Type.Optional(
        Type.Number({ description: "Median time of the model's last 512 predictions, ms (an Atelier addition); absent before the first" }),
      ),
    }),
    { description: "One entry per model; the instance figures count a real-time service's serving instances (all 0 for a batch service)" },
  ),
});
export type MonitorResponse = Static<typeof MonitorResponse>;

/** An epoch-milliseconds bound of a query (the spec types these as Numbers). */
const EpochMs = (description: string) => Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const UpdateLogsQuery = Type.Object({ update_time: Type.Optional(EpochMs('Logs at or after this time, epoch ms')) });

export const UpdateLogConfig = Type.Object({
  model_id: Type.String({ description: 'Model ID' }),
  model_name: Type.String({ description: 'Model name' }),
  model_version: Type.String({ description: 'Model version' }),
  weight: Type.Optional(WeightOut),
  specification: Type.String({ description: 'Flavor of each instance, or custom (see custom_spec)' }),
  custom_spec: Type.Optional(CustomSpec),
  envs: Type.Optional(EnvsOut),
  cluster_id: Type.Optional(ClusterOut),
  instance_count: InstanceCountOut,
});

export const UpdateLogsResponse = Type.Object({
  service_name: ServiceNameOut,
  service_id: ServiceIdOut,
  logs: Type.Array(
    Type.Object({
      update_time: Type.Integer({ description: 'When the change was asked for, epoch ms' }),
      result: Type.String({
        description:
          'Outcome: RUNNING (instances are being deployed for it), SUCCESS (done, or nothing to deploy) or FAIL (the deployment failed; a running service keeps its previous config)',
      }),
      config: Type.Array(UpdateLogConfig, { description: 'The models in force after the change' }),
    }),
    { description: 'One entry per creation or accepted UpdateService, newest first' },
  ),
});

export const EventsQuery = Type.Object({
  event_type: Type.Optional(
    StringCodes(['normal', 'abnormal'] as const, { normal: 'progress and changes', abnormal: 'failures and lost instances' }, 'Events of this type'),
  ),
  start_time: Type.Optional(EpochMs('Events at or after this time, epoch ms')),
  end_time: Type.Optional(EpochMs('Events at or before this time, epoch ms')),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(StringCodes(['occur_time'] as const, { occur_time: 'when the event happened (the only field)' }, 'Sort field')),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'oldest first', desc: 'newest first (the default)' }, 'Sort order')),
});
export type EventsQuery = Static<typeof EventsQuery>;

export const EventsResponse = Type.Object({
  service_name: ServiceNameOut,
  service_id: ServiceIdOut,
  total_count: Type.Integer({ description: 'Events that match the query, all pages' }),
  count: Type.Integer({ description: 'Events in this answer' }),
  events: Type.Array(
    Type.Object({
      event_type: Type.String({ description: 'normal (progress and changes) or abnormal (failures and lost instances)' }),
      event_info: Type.String({ description: 'What happened, e.g. "[<model_id>] instance <instance_id> is running"' }),
      occur_time: Type.Integer({ description: 'When it happened, epoch ms' }),
    }),
    { description: 'The page of events' },
  ),
});

// The spec types limit and offset as Strings here, and offset is a record offset ("start offset of the data").
export const SpecificationsQuery = Type.Object({
  is_personal_cluster: Type.Optional(Type.Boolean({ description: 'Flavors of a dedicated pool; accepted and ignored (one local pool serves all)' })),
  infer_type: Type.Optional(
    StringCodes(
      ['real-time', 'batch'] as const,
      { 'real-time': 'real-time services', batch: 'batch services' },
      'Flavors for this inference mode; accepted and ignored (both take the same flavors)',
    ),
  ),
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: 'Records per page, "1" to "1000"' })),
  offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6}|10000000)$', description: 'Records to skip, "0" to "10000000"' })),
});

export const SpecificationsResponse = Type.Object({
  specifications: Type.Array(
    Type.Object({
      specification: Type.String({ description: 'Flavor ID to name in a service config, e.g. modelarts.vm.cpu.2u' }),
      billing_spec: Type.String({ description: 'Billing ID; the flavor ID here' }),
      is_open: Type.Boolean({ description: 'Whether the flavor may be used; always true here' }),
      spec_status: Type.String({ description: 'Flavor status; always normal (available) here, never sellout' }),
      is_free: Type.Boolean({ description: 'True for the free flavor modelarts.vm.cpu.free' }),
      over_quota: Type.Boolean({ description: 'Whether the quota is exceeded; always false here' }),
      extend_params: Type.Integer({ description: 'Billing item; always 1 here' }),
      display_en: Type.String({ description: 'Cores and memory of the flavor, e.g. "CPU: 2 vCPUs | 8 GiB"' }),
      display_cn: Type.String({ description: 'Cores and memory of the flavor; the same English text here' }),
      source_type: Type.Optional(Type.String({ description: 'Model source the flavor is for; never returned here' })),
    }),
    {
      description:
        "The CPU flavors this host has the cores and memory for; on the kubernetes executor, those the cluster's largest schedulable node has them for (this host's when Atelier may not list nodes). No GPU or Ascend flavors",
    },
  ),
});

export const ClustersQuery = Type.Object({
  cluster_name: Type.Optional(Text(64, 'Pools whose name contains this text')),
  status: Type.Optional(Text(32, 'Pools in exactly this status; the local pool is running')),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(
    StringCodes(
      ['created_at', 'cluster_name'] as const,
      { created_at: 'creation time (the default)', cluster_name: 'name' },
      'Sort field; there is one pool to sort here',
    ),
  ),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending', desc: 'descending (the default)' }, 'Sort order')),
});
export type ClustersQuery = Static<typeof ClustersQuery>;

// The one pool: this host's capacity, which services and training jobs of every account share.
export const Cluster = Type.Object({
  cluster_id: Type.String({ description: 'Pool ID, local; the value cluster_id takes in CreateService' }),
  cluster_name: Type.String({ description: 'Pool name, local-pool' }),
  description: Type.String({
    description:
      'The host\'s cores and memory, e.g. "This host: 8 cores, 32000 MB"; on the kubernetes executor the schedulable nodes\' count, cores and memory, e.g. "The cluster\'s schedulable nodes: 3, 24 cores, 98304 MB"',
  }),
  tenant: Type.String({ description: "The caller's account (domain) ID" }),
  project: Type.String({ description: "The caller's project ID" }),
  owner: Type.String({ description: "The caller's user ID" }),
  created_at: Type.Integer({ description: 'When Atelier started, epoch ms' }),
  status: Type.String({ description: 'Pool status; always running here (deploying, concerning and abnormal never occur)' }),
  nodes: Type.Object(
    {
      specification: Type.String({ description: 'local.<CPU architecture>, e.g. local.x86 or local.arm; kubernetes on the kubernetes executor' }),
      count: Type.Integer({ description: 'Nodes: 1 (this host), or on the kubernetes executor the schedulable nodes of the cluster' }),
      available_count: Type.Integer({ description: 'Nodes available: the same as count' }),
    },
    { description: "The nodes of the pool: this host, or the cluster's schedulable nodes on the kubernetes executor" },
  ),
  allocatable_cpu_cores: Type.Number({ description: 'Cores of the pool no workload of any account holds now' }),
  allocatable_memory: Type.Integer({ description: 'Memory of the pool no workload of any account holds now, MB' }),
  allocatable_gpus: Type.Number({ description: 'Free GPUs; always 0 here' }),
});
export type Cluster = Static<typeof Cluster>;

export const ClustersResponse = Type.Object({
  total_count: Type.Integer({ description: 'Pools that match the query (0 or 1)' }),
  count: Type.Integer({ description: 'Pools in this answer' }),
  clusters: Type.Array(Cluster, { description: 'The page of pools' }),
});

/** What a prediction answers: the model's own output, passed through as its server gave it. */
export const InferAnswer = Type.Unknown({
  description: "The model's answer as its server gave it: JSON (e.g. predicted_label and scores) when the model answers JSON, its bytes otherwise",
});

export const InferParams = Type.Object({
  service_id: Type.String({ minLength: 1, maxLength: 64, description: "A running real-time service of the caller's project" }),
});

export const InferPathParams = Type.Object({
  ...InferParams.properties,
  '*': Type.Optional(
    Type.String({
      maxLength: 2048,
      description:
        "The path after the service ID: the url of one of the model's config.json APIs. For a model of type Image (served on the kubernetes executor) the request goes to that path of its image, with the caller's query string, and must name one of its APIs declared with the request's method (post, get, put or delete); other models answer one POST API whatever the path, and a JSON body is checked against the request schema of their first config.json API",
    }),
  ),
});
