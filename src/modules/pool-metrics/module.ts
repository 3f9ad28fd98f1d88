import type { AppContext, FamilyModule } from '#src/context.ts';
import { MetricsSampler } from '#src/runtime/metrics/sampler.ts';
import { poolMetricsRoutes } from './routes.ts';
import { PoolMetricsService } from './service.ts';

export type PoolMetricsDeps = Pick<AppContext, 'config' | 'clock' | 'pools'>;

/** Pool monitor (#154) and runtime metrics (#148), from the samples of a loop over the host and its pools. */
export function poolMetricsModule(deps: PoolMetricsDeps): FamilyModule & { sampler: MetricsSampler } {
  const sampler = new MetricsSampler(deps.pools, deps.config.dataDir, deps.config.metricsIntervalMs, deps.clock);
  deps.pools.onRemove((name) => sampler.forget(name));
  const service = new PoolMetricsService(deps.pools, sampler, deps.clock);
  return {
    sampler,
    start: () => sampler.start(),
    close: async () => sampler.stop(),
    register: async (app) => void (await app.register(poolMetricsRoutes, { service })),
  };
}
