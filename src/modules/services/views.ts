// Service rows -> the spec's response objects.
import type { CustomSpec, QueryServiceConfig, Schedule, ServiceDetail, ServiceListItem } from './schemas.ts';
import type { ServiceEventRow, ServiceRow } from './tables.ts';

/** One model of a service as stored. */
export interface StoredConfig {
  model_id: string;
  model_name: string;
  model_version: string;
  specification: string;
  custom_spec?: CustomSpec;
  weight?: number;
  instance_count: number;
  envs: Record<string, string>;
  cluster_id?: string;
  // Batch services only.
  src_path?: string;
  dest_path?: string;
  req_uri?: string;
  mapping_type?: 'file' | 'csv';
  mapping_rule?: Record<string, unknown>;
  src_type?: string;
  start_time?: number;
  finished_time?: number;
}

const configsOf = (row: ServiceRow) => JSON.parse(row.config) as StoredConfig[];

const batchTimes = (c: StoredConfig | undefined) => ({
  ...(c?.start_time !== undefined ? { start_time: c.start_time } : {}),
  ...(c?.finished_time !== undefined ? { finished_time: c.finished_time } : {}),
});

function common(row: ServiceRow, pending: { invocations: number; failures: number }, now: number, progress?: number) {
  return {
    service_id: row.id,
    service_name: row.service_name,
    description: row.description,
    tenant: row.tenant,
    project: row.project_id,
    owner: row.owner,
    publish_at: Number(row.publish_at),
    infer_type: row.infer_type,
    workspace_id: row.workspace_id,
    status: row.status,
    invocation_times: Number(row.invocation_times) + pending.invocations,
    failed_times: Number(row.failed_times) + pending.failures,
    is_shared: false,
    shared_count: 0,
    ...(row.schedule ? { schedule: JSON.parse(row.schedule) as Schedule[] } : {}),
    ...(row.due_time !== null ? { due_time: Number(row.due_time) } : {}),
    operation_time: now,
    transition_at: Number(row.transition_at),
    is_free: configsOf(row).every((c) => c.specification === 'modelarts.vm.cpu.free'),
    additional_properties: JSON.parse(row.additional_properties) as Record<string, unknown>,
    // Deploying: the share of instances already answering (0 until the models are being started).
    ...(row.status === 'deploying' ? { progress: progress ?? 0 } : row.status === 'running' ? { progress: 100 } : {}),
    ...(row.infer_type === 'batch' ? batchTimes(configsOf(row)[0]) : {}),
  };
}

export function listItemOf(row: ServiceRow, pending: { invocations: number; failures: number }, now: number, progress?: number): ServiceListItem {
  return { ...common(row, pending, now, progress), is_opened_sample_collection: 'false' };
}

export function detailOf(row: ServiceRow, pending: { invocations: number; failures: number }, now: number, baseUrl: string, progress?: number): ServiceDetail {
  const modelStatus =
    row.status === 'running' || row.status === 'concerning'
      ? 'running'
      : row.status === 'stopped'
        ? 'stopped'
        : row.status === 'failed'
          ? 'failed'
          : 'notReady';
  const config: QueryServiceConfig[] = configsOf(row).map((c) => ({
    model_id: c.model_id,
    model_name: c.model_name,
    model_version: c.model_version,
    specification: c.specification,
    ...(c.custom_spec ? { custom_spec: c.custom_spec } : {}),
    ...(c.weight !== undefined ? { weight: c.weight } : {}),
    instance_count: c.instance_count,
    envs: c.envs,
    status: modelStatus,
    scaling: false,
    support_debug: false,
    additional_properties: {},
    ...(c.cluster_id ? { cluster_id: c.cluster_id } : {}),
    ...(c.src_path !== undefined ? { src_path: c.src_path } : {}),
    ...(c.dest_path !== undefined ? { dest_path: c.dest_path } : {}),
    ...(c.req_uri !== undefined ? { req_uri: c.req_uri } : {}),
    ...(c.mapping_type !== undefined ? { mapping_type: c.mapping_type } : {}),
    ...(c.mapping_rule !== undefined ? { mapping_rule: c.mapping_rule } : {}),
    ...(c.src_type !== undefined ? { src_type: c.src_type } : {}),
    ...(c.start_time !== undefined ? { start_time: c.start_time } : {}),
    ...(c.finished_time !== undefined ? { finished_time: c.finished_time } : {}),
  }));
  return {
    ...common(row, pending, now, progress),
    ...(row.cluster_id ? { cluster_id: row.cluster_id } : {}),
    ...(row.error_msg ? { error_msg: row.error_msg } : {}),
    config,
    ...(row.infer_type === 'real-time' ? { access_address: `${baseUrl}/v1/infers/${row.id}` } : {}),
    update_time: Number(row.update_time),
  };
}

export function logConfigOf(text: string) {
  return (JSON.parse(text) as StoredConfig[]).map((c) => ({
    model_id: c.model_id,
    model_name: c.model_name,
    model_version: c.model_version,
    ...(c.weight !== undefined ? { weight: c.weight } : {}),
    specification: c.specification,
    ...(c.custom_spec ? { custom_spec: c.custom_spec } : {}),
    envs: c.envs,
    ...(c.cluster_id ? { cluster_id: c.cluster_id } : {}),
    instance_count: c.instance_count,
  }));
}

export const eventView = (e: ServiceEventRow) => ({ event_type: e.event_type, event_info: e.event_info, occur_time: Number(e.occur_time) });
