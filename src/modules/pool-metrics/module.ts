import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget } from '#src/modules/training-jobs/index.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { MetricsSampler } from '#src/runtime/metrics/sampler.ts';
import { poolMetricsRoutes } from './routes.ts';
import { PoolMetricsService } from './service.ts';

export type PoolMetricsDeps = Pick<AppContext, 'config' | 'clock' | 'pools'> & { log: Logger };

/** Pool monitor (#154) and runtime metrics (#148), from the samples of a loop over the host and its pools. */
export function poolMetricsModule(deps: PoolMetricsDeps): FamilyModule & { sampler: MetricsSampler } {
  // On the cluster a dedicated pool's nodes are whole nodes: their use comes from the metrics API (NodeMetrics).
  const target = deps.config.executor === 'kubernetes' ? kubeTarget(deps.config) : undefined;
  const nodes = target ? new ClusterMetrics(target.kc, target.namespace, deps.log) : undefined;
  const sampler = new MetricsSampler(deps.pools, deps.config.dataDir, deps.config.metricsIntervalMs, deps.clock, nodes && (() => nodes.nodeUsage()));
  deps.pools.onRemove((name) => sampler.forget(name));
  const service = new PoolMetricsService(deps.pools, sampler, deps.clock);
  return {
    sampler,
    start: () => sampler.start(),
    close: async () => {
      sampler.stop();
      await sampler.settled();
    },
    register: async (app) => void (await app.register(poolMetricsRoutes, { service })),
  };
}
