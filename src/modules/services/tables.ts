// Tables of the services family.

export type ServiceStatus = 'deploying' | 'running' | 'concerning' | 'failed' | 'stopped' | 'finished';

export interface ServiceRow {
  id: string;
  project_id: string;
  tenant: string;
  owner: string;
  service_name: string;
  description: string;
  infer_type: string;
  workspace_id: string;
  cluster_id: string | null;
  status: ServiceStatus;
  /** What the user asked for: running or stopped; the reconciler brings instances there. */
  desired: 'running' | 'stopped';
  error_msg: string | null;
  /** JSON text: StoredServiceConfig[]. */
  config: string;
  /** JSON text or null. */
  schedule: string | null;
  additional_properties: string;
  invocation_times: number;
  failed_times: number;
  publish_at: number;
  update_time: number;
  transition_at: number;
  due_time: number | null;
  /** JSON text: StoredEndpoints (where the instances answer), or null while none is up. */
  endpoints: string | null;
}

export interface ServiceEventRow {
  id: string;
  service_id: string;
  event_type: 'normal' | 'abnormal';
  event_info: string;
  occur_time: number;
}

export interface ServiceUpdateLogRow {
  id: string;
  service_id: string;
  update_time: number;
  result: 'SUCCESS' | 'FAIL' | 'RUNNING';
  /** JSON text: the config after the update. */
  config: string;
}

/** A batch pod's log as copied from the cluster at the end of its run (kubernetes executor). */
export interface BatchInstanceLogRow {
  service_id: string;
  /** The pod's name. */
  instance_id: string;
  model_id: string;
  model_name: string;
  model_version: string;
  started_at: number;
  content: string;
  /** Bytes of the log as the cluster gave it, before it was cut to what is kept. */
  full_size: number;
}

export interface ServiceTables {
  services: ServiceRow;
  service_events: ServiceEventRow;
  service_update_logs: ServiceUpdateLogRow;
  batch_instance_logs: BatchInstanceLogRow;
}
