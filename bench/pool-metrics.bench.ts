// Pool metrics: ShowPoolMonitor and ShowPoolRuntimeMetrics reads (the service, in process) with 7 days
// of samples kept for 10 dedicated pools and the host, and the CPU cost of one real sampling pass
// (10 pools, each holding a live process group) against the default interval.
//   npx tsx bench/pool-metrics.bench.ts     (BENCH_READS changes the number of reads per kind)
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import { HISTORY_SPAN_MS } from '#src/runtime/metrics/history.ts';
import { MetricsSampler } from '#src/runtime/metrics/sampler.ts';
import { PoolMetricsService } from '#src/modules/pool-metrics/service.ts';
import { line, load, percentile } from './load-kit.ts';

const READS = Number(process.env.BENCH_READS ?? 500);
const INTERVAL_MS = 10_000;
const POOLS = 10;
const PROJECT = 'bench-project';

let now = Date.now();
const clock = { now: () => now };
const registry = new PoolRegistry(new LocalPool({ cpu: 64, memoryMb: 1 << 20 }));
const names = Array.from({ length: POOLS }, (_, i) => `pool-${String(i).padStart(32, '0')}`);
for (const name of names)
  registry.restore({ name, projectId: PROJECT, displayName: name.slice(0, 12), scope: ['Train'] }, [
    { name: `${name}-node`, capacity: { cpu: 1, memoryMb: 1024 } },
  ]);
const sampler = new MetricsSampler(registry, tmpdir(), INTERVAL_MS, clock);
const service = new PoolMetricsService(registry, sampler, clock);

// 7 days of synthetic samples at the default interval, for every pool and the host (a first real
// pass, older than them all, makes each pool's history).
const end = now;
now = end - HISTORY_SPAN_MS - INTERVAL_MS;
sampler.sample();
const filled = performance.now();
let count = 0;
for (let t = end - HISTORY_SPAN_MS; t < end; t += INTERVAL_MS) {
  const wave = 50 + 40 * Math.sin(t / 3_600_000);
  sampler.host.add(t, [wave, 60, 100_000, 50_000, 50]);
  for (const name of names) sampler.pool(name)!.history.add(t, [wave, 30]);
  count++;
}
now = end;
console.log(`filled ${count.toLocaleString('en-US')} samples × ${POOLS + 1} series in ${((performance.now() - filled) / 1000).toFixed(1)} s; ${load()}`);

async function timeReads(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const ranges: { what: string; time_range: string; period: '60' | '300' | '900' | '3600' }[] = [
  { what: 'last hour, 1 min', time_range: '-1.-1.60', period: '60' },
  { what: 'last day, 5 min', time_range: '-1.-1.1440', period: '300' },
  { what: '7 days, 1 h', time_range: '-1.-1.10080', period: '3600' },
];
let ok = true;
for (const r of ranges) {
  const points = (await service.monitor(PROJECT, names[0]!, { time_range: r.time_range, period: r.period })).metrics[0]!.dataPoints.length;
  const times = await timeReads((i) => service.monitor(PROJECT, names[i % POOLS]!, { time_range: r.time_range, period: r.period, statistics: 'average' }));
  const p99 = percentile(times, 99);
  ok &&= p99 <= 20;
  line(`ShowPoolMonitor p99, ${r.what} (${points} points)`, `${p99.toFixed(2)} ms`, '<= 20 ms', p99 <= 20);
}
{
  const times = await timeReads(() => service.runtime(PROJECT));
  const p99 = percentile(times, 99);
  ok &&= p99 <= 20;
  line(`ShowPoolRuntimeMetrics p99 (${POOLS} pools)`, `${p99.toFixed(2)} ms`, '<= 20 ms', p99 <= 20);
}

// The sampling loop: real passes over the host and 10 pools, each with a tracked sleeping process group.
const children: ChildProcess[] = [];
for (const [i, name] of names.entries()) {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  children.push(child);
  const pool = registry.get(name)!.pool;
  pool.reserve(`job-${i}`, { cpu: 0.5, memoryMb: 256 });
  pool.track(`job-${i}`, child.pid!);
}
const PASSES = 50;
const before = process.cpuUsage();
const wall = performance.now();
for (let i = 0; i < PASSES; i++) {
  now += INTERVAL_MS;
  sampler.sample();
}
const used = process.cpuUsage(before);
const perPassMs = (used.user + used.system) / 1000 / PASSES;
const share = (perPassMs / INTERVAL_MS) * 100;
for (const c of children) c.kill('SIGKILL');
line(`sampling pass CPU (${POOLS} pools, ${((performance.now() - wall) / PASSES).toFixed(1)} ms wall)`, `${perPassMs.toFixed(2)} ms`, 'info', undefined);
line(`sampling loop share of one core at ${INTERVAL_MS / 1000} s`, `${share.toFixed(3)} %`, '<= 1 %', share <= 1);
ok &&= share <= 1;
process.exit(ok ? 0 : 1);
