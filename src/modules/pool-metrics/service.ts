import type { Clock } from '#src/core/time.ts';
import type { Static } from 'typebox';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { HistoryPoint } from '#src/runtime/metrics/history.ts';
import { HOST_FIELDS, POOL_FIELDS, type MetricsSampler, type PoolReading } from '#src/runtime/metrics/sampler.ts';
import { poolMetricsErrors } from './errors.ts';
import type { MetricNames, PoolMetricsList, PoolMonitor, PoolMonitorQuery, Statistic } from './schemas.ts';
import { parseTimeRange } from './time-range.ts';

const NAME_LABEL = 'os.modelarts/name';
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The spec's UTC time without milliseconds: 2022-03-30T07:09:10Z. */
const utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An interval as the spec's window: 10s, 1m, 1h. */
function windowOf(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

const amount = (a: PoolAmount) => ({ cpu: String(a.cpu), memory: `${Math.round(a.memoryMb)}Mi` });

function statisticOf(statistic: Statistic, s: { count: number; sum: number; min: number; max: number }): number {
  switch (statistic) {
    case 'maximum':
      return s.max;
    case 'minimun':
    case 'minimum':
      return s.min;
    case 'sum':
      return s.sum;
    case 'average':
      return s.sum / s.count;
    case 'sampleCount':
      return s.count;
  }
}

type MetricName = Static<typeof MetricNames>;

export class PoolMetricsService {
  constructor(
    private readonly pools: PoolRegistry,
    private readonly sampler: MetricsSampler,
    private readonly clock: Clock,
  ) {}

  /** The latest sample of each of the project's pools (a pool not sampled yet is read now). */
  async runtime(projectId: string): Promise<Static<typeof PoolMetricsList>> {
    await this.sampler.refresh();
    const window = windowOf(this.sampler.intervalMs);
    const items = this.pools
      .list()
      .filter((p) => p.projectId === projectId)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => {
        const latest: Pick<PoolReading, 'time' | 'capacity' | 'allocated'> = this.sampler.pool(p.name)?.latest ?? {
          time: this.clock.now(),
          capacity: p.pool.capacity,
          allocated: p.pool.used(),
        };
        const timestamp = utc(latest.time);
        return {
          table: {
            allocated: { value: amount(latest.allocated), timestamp, window },
            capacity: { value: amount(latest.capacity), maxValue: amount(latest.capacity), timestamp, window },
          },
          metadata: { name: p.name, labels: { [NAME_LABEL]: p.displayName } },
        };
      });
    return { apiVersion: 'v2', kind: 'PoolMetricsList', items };
  }

  /** The pool's metrics over the asked time span, one point per step holding samples. */
  async monitor(projectId: string, poolName: string, query: Static<typeof PoolMonitorQuery>): Promise<Static<typeof PoolMonitor>> {
    const pool = this.pools.get(poolName);
    if (!pool || pool.projectId !== projectId) throw poolMetricsErrors.poolNotFound(poolName);
    await this.sampler.refresh();
    const period = Number(query.period ?? '60');
    const statistic = query.statistics ?? 'maximum';
    const { from, to } = parseTimeRange(query.time_range ?? '-1.-1.60', period, this.clock.now());
    const step = period * 1000;
    const poolPoints = this.sampler.pool(poolName)?.history.query(from, to, step) ?? [];
    const hostPoints = this.sampler.host.query(from, to, step);

    const series = (name: MetricName, unit: string, points: HistoryPoint[], field: number | undefined) => ({
      metric: { dimensions: [{ name: 'poolName', value: poolName }], metricName: name, namespace: 'PAAS.AGGR' as const },
      dataPoints: points.map((p) => ({
        timestamp: p.time,
        unit,
        statistics: [{ statistic, value: field === undefined ? -1 : round3(statisticOf(statistic, p.fields[field]!)) }],
      })),
    });
    return {
      metrics: [
        series('cpuUsage', 'Percent', poolPoints, POOL_FIELDS.cpuPercent),
        series('memUsedRate', 'Percent', poolPoints, POOL_FIELDS.memoryPercent),
        series('gpuUtil', 'Percent', poolPoints, undefined),
        series('gpuMemUsage', 'Percent', poolPoints, undefined),
        series('npuUtil', '', poolPoints, undefined),
        series('npuMemUsage', '', poolPoints, undefined),
        series('diskAvailableCapacity', 'Megabytes', hostPoints, HOST_FIELDS.diskAvailableMb),
        series('diskCapacity', 'Megabytes', hostPoints, HOST_FIELDS.diskCapacityMb),
        series('diskUsedRate', 'Percent', hostPoints, HOST_FIELDS.diskUsedPercent),
      ],
    };
  }
}
