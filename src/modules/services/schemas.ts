import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { Closed, FreeMap, ListOf, PageLimit, PageOffset, StringMap, Text } from '#src/core/request-bounds.ts';

export const InferTypes = ['real-time', 'batch', 'edge'] as const;
export const ServiceStatuses = ['running', 'deploying', 'concerning', 'failed', 'stopped', 'finished'] as const;

// Schedule and custom_spec are kept as sent and answered back: an undeclared key is refused. The
// other objects are read field by field (ServiceConfig), so what they do not declare is dropped.
export const Schedule = Closed({
  duration: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  time_unit: StringEnum(['DAYS', 'HOURS', 'MINUTES'] as const),
  type: StringEnum(['stop'] as const),
});
export type Schedule = Static<typeof Schedule>;

export const CustomSpec = Closed({
  gpu_p4: Type.Optional(Type.Number({ minimum: 0, maximum: 64 })),
  memory: Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024, description: 'MB' }),
  cpu: Type.Number({ minimum: 0.01, maximum: 1024 }),
  ascend_a310: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
});
export type CustomSpec = Static<typeof CustomSpec>;

// The tables type weight as an Integer; the spec's own examples send it as a string ("70").
export const Weight = Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.String({ pattern: '^(100|[1-9]?[0-9])$' })], {
  description: 'Share of the traffic, 0 to 100, as an integer or a string of digits ("70"); the weights of a real-time service sum to 100',
});

export const ServiceConfig = Type.Object({
  model_id: Type.String({ minLength: 1, maxLength: 64 }),
  specification: Type.String({ minLength: 1, maxLength: 64 }),
  custom_spec: Type.Optional(CustomSpec),
  weight: Type.Optional(Weight),
  // The spec caps instances at 5 per model.
  instance_count: Type.Integer({ minimum: 1, maximum: 5 }),
  envs: Type.Optional(StringMap(100, 4096, 'Environment variables')),
  src_path: Type.Optional(Text(1024)),
  req_uri: Type.Optional(Text(1024)),
  mapping_type: Type.Optional(StringEnum(['file', 'csv'] as const)),
  mapping_rule: Type.Optional(FreeMap(100)),
  src_type: Type.Optional(Text(32)),
  dest_path: Type.Optional(Text(1024)),
  cluster_id: Type.Optional(Text(64)),
  pool_name: Type.Optional(Text(64)),
  nodes: Type.Optional(ListOf(Text(64), 100)),
  additional_properties: Type.Optional(FreeMap(50)),
});
export type ServiceConfig = Static<typeof ServiceConfig>;

export const CreateServiceRequest = Type.Object({
  service_name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_\\-]+$' }),
  infer_type: StringEnum(InferTypes),
  config: Type.Array(ServiceConfig, { minItems: 1, maxItems: 10, description: 'The models of the service: 1 to 10' }),
  description: Type.Optional(Type.String({ maxLength: 100, pattern: '^[^&!\'"<>=]*$' })),
  workspace_id: Type.Optional(Text(64)),
  schedule: Type.Optional(ListOf(Schedule, 1)),
  cluster_id: Type.Optional(Text(64)),
  pool_name: Type.Optional(Text(64)),
  vpc_id: Type.Optional(Text(64)),
  security_group_id: Type.Optional(Text(64)),
  subnet_network_id: Type.Optional(Text(64)),
  additional_properties: Type.Optional(FreeMap(50)),
});
export type CreateServiceRequest = Static<typeof CreateServiceRequest>;

export const CreateServiceResponse = Type.Object({ service_id: Type.String(), resource_ids: Type.Array(Type.String()) });

export const ServiceParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  service_id: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const ListServicesQuery = Type.Object({
  service_id: Type.Optional(Text(64)),
  service_name: Type.Optional(Text(64)),
  model_id: Type.Optional(Text(64)),
  workspace_id: Type.Optional(Text(64)),
  infer_type: Type.Optional(StringEnum(InferTypes)),
  status: Type.Optional(StringEnum(ServiceStatuses)),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(StringEnum(['publish_at', 'service_name'] as const)),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
});
export type ListServicesQuery = Static<typeof ListServicesQuery>;

const ServiceCommon = {
  service_id: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  tenant: Type.String(),
  project: Type.String(),
  owner: Type.String(),
  publish_at: Type.Integer(),
  infer_type: Type.String(),
  workspace_id: Type.String(),
  status: Type.String(),
  invocation_times: Type.Integer(),
  failed_times: Type.Integer(),
  is_shared: Type.Boolean(),
  shared_count: Type.Integer(),
  schedule: Type.Optional(Type.Array(Schedule)),
  due_time: Type.Optional(Type.Integer()),
  operation_time: Type.Integer(),
  transition_at: Type.Integer(),
  is_free: Type.Boolean(),
  additional_properties: Type.Record(Type.String(), Type.Unknown()),
  progress: Type.Optional(Type.Integer()),
  start_time: Type.Optional(Type.Integer({ description: 'Batch services: when the run started' })),
  finished_time: Type.Optional(Type.Integer({ description: 'Batch services: when the run ended' })),
};

export const ServiceListItem = Type.Object({ ...ServiceCommon, is_opened_sample_collection: Type.String() });
export type ServiceListItem = Static<typeof ServiceListItem>;

export const ListServicesResponse = Type.Object({
  total_count: Type.Integer(),
  count: Type.Integer(),
  services: Type.Array(ServiceListItem),
});

export const QueryServiceConfig = Type.Object({
  model_id: Type.String(),
  model_name: Type.String(),
  model_version: Type.String(),
  specification: Type.String(),
  custom_spec: Type.Optional(CustomSpec),
  weight: Type.Optional(Type.Integer()),
  instance_count: Type.Integer(),
  envs: Type.Record(Type.String(), Type.String()),
  status: Type.String(),
  scaling: Type.Boolean(),
  support_debug: Type.Boolean(),
  additional_properties: Type.Record(Type.String(), Type.Unknown()),
  cluster_id: Type.Optional(Type.String()),
  src_path: Type.Optional(Type.String()),
  dest_path: Type.Optional(Type.String()),
  req_uri: Type.Optional(Type.String()),
  mapping_type: Type.Optional(Type.String()),
  mapping_rule: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  src_type: Type.Optional(Type.String()),
  start_time: Type.Optional(Type.Integer()),
  finished_time: Type.Optional(Type.Integer()),
});
export type QueryServiceConfig = Static<typeof QueryServiceConfig>;

export const ServiceDetail = Type.Object({
  ...ServiceCommon,
  cluster_id: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String()),
  config: Type.Array(QueryServiceConfig),
  access_address: Type.Optional(Type.String()),
  update_time: Type.Integer(),
});
export type ServiceDetail = Static<typeof ServiceDetail>;

export const UpdateServiceRequest = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 100, pattern: '^[^&!\'"<>=]*$' })),
  config: Type.Optional(Type.Array(ServiceConfig, { minItems: 1, maxItems: 10, description: 'The models of the service: 1 to 10' })),
  status: Type.Optional(StringEnum(['running', 'stopped'] as const)),
  schedule: Type.Optional(ListOf(Schedule, 1)),
  additional_properties: Type.Optional(FreeMap(50)),
});
export type UpdateServiceRequest = Static<typeof UpdateServiceRequest>;

export const EmptyBody = Type.Object({});

export const MonitorResponse = Type.Object({
  service_name: Type.String(),
  service_id: Type.String(),
  monitors: Type.Array(
    Type.Object({
      failed_times: Type.Integer(),
      model_version: Type.String(),
      cpu_memory_total: Type.Integer(),
      gpu_usage: Type.Number(),
      gpu_total: Type.Number(),
      model_id: Type.String(),
      invocation_times: Type.Integer(),
      cpu_core_usage: Type.Number(),
      cpu_core_total: Type.Number(),
      model_name: Type.String(),
      cpu_memory_usage: Type.Integer(),
      /** Median latency of the model's recent predictions, ms (an Atelier addition). */
      latency_ms: Type.Optional(Type.Number()),
    }),
  ),
});
export type MonitorResponse = Static<typeof MonitorResponse>;

/** An epoch-milliseconds bound of a query (the spec types these as Numbers). */
const EpochMs = (description: string) => Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const UpdateLogsQuery = Type.Object({ update_time: Type.Optional(EpochMs('Logs at or after this time, epoch ms')) });

export const UpdateLogConfig = Type.Object({
  model_id: Type.String(),
  model_name: Type.String(),
  model_version: Type.String(),
  weight: Type.Optional(Type.Integer()),
  specification: Type.String(),
  custom_spec: Type.Optional(CustomSpec),
  envs: Type.Optional(Type.Record(Type.String(), Type.String())),
  cluster_id: Type.Optional(Type.String()),
  instance_count: Type.Integer(),
});

export const UpdateLogsResponse = Type.Object({
  service_name: Type.String(),
  service_id: Type.String(),
  logs: Type.Array(Type.Object({ update_time: Type.Integer(), result: Type.String(), config: Type.Array(UpdateLogConfig) })),
});

export const EventsQuery = Type.Object({
  event_type: Type.Optional(StringEnum(['normal', 'abnormal'] as const)),
  start_time: Type.Optional(EpochMs('Events at or after this time, epoch ms')),
  end_time: Type.Optional(EpochMs('Events at or before this time, epoch ms')),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(StringEnum(['occur_time'] as const)),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
});
export type EventsQuery = Static<typeof EventsQuery>;

export const EventsResponse = Type.Object({
  service_name: Type.String(),
  service_id: Type.String(),
  total_count: Type.Integer(),
  count: Type.Integer(),
  events: Type.Array(Type.Object({ event_type: Type.String(), event_info: Type.String(), occur_time: Type.Integer() })),
});

// The spec types limit and offset as Strings here, and offset is a record offset ("start offset of the data").
export const SpecificationsQuery = Type.Object({
  is_personal_cluster: Type.Optional(Type.Boolean()),
  infer_type: Type.Optional(StringEnum(['real-time', 'batch'] as const)),
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: 'Records per page, "1" to "1000"' })),
  offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6}|10000000)$', description: 'Records to skip, "0" to "10000000"' })),
});

export const SpecificationsResponse = Type.Object({
  specifications: Type.Array(
    Type.Object({
      specification: Type.String(),
      billing_spec: Type.String(),
      is_open: Type.Boolean(),
      spec_status: Type.String(),
      is_free: Type.Boolean(),
      over_quota: Type.Boolean(),
      extend_params: Type.Integer(),
      display_en: Type.String(),
      display_cn: Type.String(),
      source_type: Type.Optional(Type.String()),
    }),
  ),
});

export const ClustersQuery = Type.Object({
  cluster_name: Type.Optional(Text(64)),
  status: Type.Optional(Text(32)),
  // The spec: "start page".
  offset: PageOffset,
  limit: PageLimit(1000, 1000),
  sort_by: Type.Optional(StringEnum(['created_at', 'cluster_name'] as const)),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
});
export type ClustersQuery = Static<typeof ClustersQuery>;

export const Cluster = Type.Object({
  cluster_id: Type.String(),
  cluster_name: Type.String(),
  description: Type.String(),
  tenant: Type.String(),
  project: Type.String(),
  owner: Type.String(),
  created_at: Type.Integer(),
  status: Type.String(),
  nodes: Type.Object({ specification: Type.String(), count: Type.Integer(), available_count: Type.Integer() }),
  allocatable_cpu_cores: Type.Number(),
  allocatable_memory: Type.Integer(),
  allocatable_gpus: Type.Number(),
});
export type Cluster = Static<typeof Cluster>;

export const ClustersResponse = Type.Object({ total_count: Type.Integer(), count: Type.Integer(), clusters: Type.Array(Cluster) });

export const InferParams = Type.Object({ service_id: Type.String({ minLength: 1, maxLength: 64 }), '*': Type.Optional(Type.String({ maxLength: 2048 })) });
