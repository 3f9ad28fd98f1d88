import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget } from '#src/modules/training-jobs/index.ts';
import { ClusterNodes } from '#src/runtime/kubernetes/pool-nodes.ts';
import { PoolQuota } from '#src/runtime/kubernetes/pool-quota.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';
import { ClusterPoolNodes } from './cluster-nodes.ts';
import { PoolEventStore } from './event-store.ts';
import { PoolEvents } from './events.ts';
import { PoolNodeService } from './node-service.ts';
import { PoolReconciler } from './reconciler.ts';
import { poolRoutes } from './routes.ts';
import { PoolService, type NetworkLookup } from './service.ts';
import { PoolStore } from './store.ts';

export type PoolsDeps = Pick<AppContext, 'config' | 'database' | 'clock' | 'quotaUsage' | 'pools' | 'localPool' | 'poolWorkloads'> & {
  networks: NetworkLookup;
  log: { error: (obj: unknown, msg: string) => void };
};

/**
 * Dedicated resource pools (#149-153), their nodes (#140-141), events (#142) and statistics (#155).
 * Registering it reserves the stored pools again (before the families that place workloads start
 * their schedulers) and makes it the registry's event sink.
 */
export function poolsModule(deps: PoolsDeps): FamilyModule & { service: PoolService } {
  const store = new PoolStore(deps.database.db);
  const target = deps.config.executor === 'kubernetes' ? kubeTarget(deps.config) : undefined;
  // On the cluster a pool holds whole labelled nodes and a ResourceQuota (cluster-nodes.ts).
  const cluster = target ? new ClusterPoolNodes(new ClusterNodes(target.kc), new PoolQuota(target.kc, target.namespace)) : undefined;
  const events = new PoolEvents({
    events: new PoolEventStore(deps.database.db),
    pools: store,
    clock: deps.clock,
    log: (error) => deps.log.error({ err: error }, 'a pool event was not stored'),
  });
  const service = new PoolService({
    store,
    clock: deps.clock,
    registry: deps.pools,
    publicPool: deps.localPool,
    events,
    networks: deps.networks,
    flavors: cluster ? () => cluster.flavors() : () => new Map(cpuSlices(deps.localPool.capacity).map((s) => [s.id, s.amount])),
    quota: deps.config.quotas.pool,
    workloads: deps.poolWorkloads,
    ...(cluster ? { cluster } : {}),
  });
  deps.quotaUsage.register('pool', (projectId) => service.countOfProject(projectId));
  deps.pools.setSource((id) => service.replicas.sync(id));
  let syncing: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  return {
    service,
    reconcilers: [new PoolReconciler(service, events)],
    register: async (app) => {
      deps.pools.setEventSink(events.record);
      await cluster?.start();
      await service.restore();
      await app.register(poolRoutes, { service, nodes: new PoolNodeService(service, cluster), events });
    },
    start: () => {
      syncing = setInterval(() => {
        pass ??= service.replicas
          .syncAll()
          .catch((err: unknown) => deps.log.error({ err }, 'the pools were not synced with their records'))
          .finally(() => (pass = undefined));
      }, deps.config.reconcileIntervalMs);
    },
    close: async () => {
      clearInterval(syncing);
      await pass;
      await cluster?.nodes.stop();
    },
  };
}
