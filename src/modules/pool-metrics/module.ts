import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget } from '#src/modules/training-jobs/index.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { MetricsSampler } from '#src/runtime/metrics/sampler.ts';
import { SharedHistory } from '#src/runtime/metrics/shared-history.ts';
import { poolMetricsRoutes } from './routes.ts';
import { PoolMetricsService } from './service.ts';

export type PoolMetricsDeps = Pick<AppContext, 'config' | 'clock' | 'pools' | 'database' | 'replica'> & { log: Logger };

/** Pool monitor (#154) and runtime metrics (#148), from the samples of a loop over the host and its pools. */
export function poolMetricsModule(deps: PoolMetricsDeps): FamilyModule & { sampler: MetricsSampler } {
  // On the cluster a dedicated pool's nodes are whole nodes: their use comes from the metrics API (NodeMetrics).
  const target = deps.config.executor === 'kubernetes' ? kubeTarget(deps.config) : undefined;
  const nodes = target ? new ClusterMetrics(target.kc, target.namespace, deps.log) : undefined;
  // One replica samples at a time; the lease outlives a few of its passes, so the holder keeps it.
  const interval = deps.config.metricsIntervalMs;
  const shared = new SharedHistory(deps.database.db, deps.replica, deps.clock, Math.max(deps.replica.ttlMs, 3 * interval));
  const sampler = new MetricsSampler(deps.pools, deps.config.dataDir, interval, deps.clock, nodes && (() => nodes.nodeUsage()), shared);
  deps.pools.onRemove((name) => sampler.forget(name));
  const service = new PoolMetricsService(deps.pools, sampler, deps.clock);
  return {
    sampler,
    start: () => sampler.start(),
    close: async () => {
      sampler.stop();
      await sampler.settled();
      await sampler.release();
    },
    register: async (app) => void (await app.register(poolMetricsRoutes, { service })),
  };
}
