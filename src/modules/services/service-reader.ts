// The read side of services: list, details, monitor, update logs, events and instance logs.
import { join } from 'node:path';
import type { Principal } from '#src/auth/principal.ts';
import type { Clock } from '#src/core/time.ts';
import { batchModelOf, type BatchModel } from './batch-pod-logs.ts';
import { flavorAmount } from './flavors.ts';
import type { InstanceLog, InstanceLogsQuery, InstanceLogsResponse } from './instance-log-schemas.ts';
import { readInstanceLogs } from './instance-logs.ts';
import type { EventsQuery, ListServicesQuery } from './schemas.ts';
import type { ModelUsage } from './cluster-usage.ts';
import type { ServiceManager } from './service-manager.ts';
import type { ServiceStore } from './store.ts';
import { detailOf, eventView, listItemOf, logConfigOf, type StoredConfig } from './views.ts';

export class ServiceReader {
  constructor(
    private readonly store: ServiceStore,
    private readonly manager: ServiceManager,
    private readonly clock: Clock,
    /** Holds each service's folder (services/<id>/), where its instances' logs are. */
    private readonly dataDir: string,
    /** On the kubernetes executor: what a real-time service's pods use, from the metrics API (undefined when unreadable). */
    private readonly clusterUsage?: (serviceId: string) => Promise<ModelUsage | undefined>,
    /** On the kubernetes executor: a batch service's pods' logs, live or as kept from its last run. */
    private readonly batchLogs?: (serviceId: string, model: BatchModel, q: InstanceLogsQuery) => Promise<{ total: number; instances: InstanceLog[] }>,
  ) {}

  async list(caller: Principal, q: ListServicesQuery) {
    const [total, rows] = await Promise.all([this.store.count(caller.projectId, q), this.store.page(caller.projectId, q)]);
    const now = this.clock.now();
    return {
      total_count: total,
      count: rows.length,
      services: rows.map((r) => listItemOf(r, this.manager.stats.pending(r.id), now, this.manager.host.progress(r.id))),
    };
  }

  async show(caller: Principal, id: string, baseUrl: string) {
    const row = await this.manager.requireService(caller.projectId, id);
    return detailOf(row, this.manager.stats.pending(row.id), this.clock.now(), baseUrl, this.manager.host.progress(row.id));
  }

  async monitor(caller: Principal, id: string) {
    const row = await this.manager.requireService(caller.projectId, id);
    const measured = row.infer_type === 'real-time' ? await this.clusterUsage?.(id) : undefined;
    const usage = measured ?? (await this.manager.host.usage(id));
    const configs = JSON.parse(row.config) as StoredConfig[];
    const stats = await Promise.all(configs.map((c) => this.manager.stats.ofModel(row.id, c.model_id)));
    return {
      service_name: row.service_name,
      service_id: row.id,
      monitors: configs.map((c, i) => {
        const u = usage.get(c.model_id);
        const s = stats[i]!;
        const a = flavorAmount(c.specification, c.custom_spec);
        const per = typeof a === 'string' ? { cpu: 0, memoryMb: 0 } : a;
        const running = u?.instances ?? 0;
        return {
          failed_times: s.failures,
          model_version: c.model_version,
          cpu_memory_total: Math.round(per.memoryMb * running),
          gpu_usage: 0,
          gpu_total: 0,
          model_id: c.model_id,
          invocation_times: s.invocations,
          cpu_core_usage: Math.round((u?.cpuCores ?? 0) * 1000) / 1000,
          cpu_core_total: per.cpu * running,
          model_name: c.model_name,
          cpu_memory_usage: u?.memoryMb ?? 0,
          ...(s.medianMs !== undefined ? { latency_ms: s.medianMs } : {}),
        };
      }),
    };
  }

  async updateLogs(caller: Principal, id: string, updateTime: number | undefined) {
    const row = await this.manager.requireService(caller.projectId, id);
    const logs = await this.store.updateLogs(id, updateTime);
    return {
      service_name: row.service_name,
      service_id: row.id,
      logs: logs.map((l) => ({ update_time: Number(l.update_time), result: l.result, config: logConfigOf(l.config) })),
    };
  }

  /** An Atelier extension: the end of each model server instance's log, newest instance first. */
  async instanceLogs(caller: Principal, id: string, q: InstanceLogsQuery): Promise<InstanceLogsResponse> {
    const row = await this.manager.requireService(caller.projectId, id);
    const cluster = row.infer_type === 'real-time' ? this.manager.cluster : undefined;
    const batch = row.infer_type === 'batch' ? this.batchLogs : undefined;
    const config = (JSON.parse(row.config) as StoredConfig[])[0];
    const { total, instances } = cluster
      ? await cluster.instanceLogs(row, q)
      : batch && config
        ? await batch(row.id, batchModelOf(config), q)
        : await readInstanceLogs(join(this.dataDir, 'services', row.id), q, this.manager.host.servingIds(row.id));
    return { service_id: row.id, service_name: row.service_name, total_count: total, count: instances.length, instances };
  }

  async events(caller: Principal, id: string, q: EventsQuery) {
    const row = await this.manager.requireService(caller.projectId, id);
    await this.manager.flushEvents();
    const { total, rows } = await this.store.events(id, q);
    return { service_name: row.service_name, service_id: row.id, total_count: total, count: rows.length, events: rows.map(eventView) };
  }
}
