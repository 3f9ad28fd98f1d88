// Where a real-time service's instances run when they are not this host's processes: the port the ServiceManager
// drives on the kubernetes executor (kube-services.ts). The local executor has no cluster: the ServingHost runs the
// instances, and the manager keeps driving it.
import type { DeployableModel } from '#src/modules/models/index.ts';
import type { Routed } from '#src/runtime/serving/deployment.ts';
import type { InstanceLog, InstanceLogsQuery } from './instance-log-schemas.ts';
import type { ServiceRow } from './tables.ts';

export interface ServiceCluster {
  /**
   * Creates or changes the service's objects to its stored config and follows them; the status (running, failed,
   * concerning) and the update log entry `logId` are recorded from the watch, later.
   */
  apply(row: ServiceRow, models: Map<string, DeployableModel>, logId: string | undefined): Promise<void>;
  /** Removes every object of the service and stops following it. */
  remove(row: Pick<ServiceRow, 'id' | 'config'>): Promise<void>;
  /** Whether this server follows the service now. */
  follows(serviceId: string): boolean;
  /** Follows a service whose objects exist (after a restart); false when it has none or another replica follows it. */
  adopt(row: ServiceRow): Promise<'adopted' | 'absent' | 'elsewhere'>;
  /** Deletes the objects of services that should not run. */
  removeOrphans(): Promise<string[]>;
  /** A route to a ready pod of the service, the version chosen by its weights; undefined when none answers. */
  route(row: ServiceRow): Routed | undefined;
  /** The logs of the service's instances (its pods: staging, then the model server), read from the cluster, newest first. */
  instanceLogs(row: ServiceRow, q: InstanceLogsQuery): Promise<{ total: number; instances: InstanceLog[] }>;
  close(): Promise<void>;
}

/** What a cluster reports to the manager: events, the pool share to give back, when to write the events. */
export interface ServiceClusterListener {
  event(serviceId: string, type: 'normal' | 'abnormal', info: string): void;
  release(serviceId: string): void;
  flush(): Promise<void>;
}
