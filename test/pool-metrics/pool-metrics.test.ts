import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Value } from 'typebox/value';
import { PoolMetricsList, PoolMonitor } from '#src/modules/pool-metrics/schemas.ts';
import { ApiClientError } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const BAD = 'ModelArts.50004000';
const NOT_FOUND = 'ModelArts.50015001';
let POOL = '';

describe('pool metrics (#148, #154)', () => {
  let t: TestApp;
  let busy: ChildProcess | undefined;
  // The free space the sampler saw lies between the least and the most statfs reported meanwhile: other
  // test files write and delete large files on the same disk while this one runs.
  const freeMb = { min: Infinity, max: -Infinity };
  const watchFree = setInterval(() => {
    const s = statfsSync(tmpdir());
    const mb = (s.bavail * s.bsize) / 1024 / 1024;
    freeMb.min = Math.min(freeMb.min, mb);
    freeMb.max = Math.max(freeMb.max, mb);
  }, 50);
  before(async () => {
    t = await startTestApp({ ATELIER_METRICS_INTERVAL: '200', ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    const net = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'metrics-net' } },
      spec: { cidr: '192.168.0.0/24' },
    });
    const pool = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'metrics-pool', 'os.modelarts/workspace.id': '0' } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: net.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }] },
    });
    POOL = pool.metadata.name;
    // The sampler starts with the app's background work.
    t.atelier.startBackground();
  });
  after(async () => {
    clearInterval(watchFree);
    busy?.kill('SIGKILL');
    await t.close();
  });

  test('a CPU-busy process tracked in the pool raises its cpuUsage above zero; disk matches statfs', async () => {
    const pool = t.atelier.context.pools.get(POOL)!.pool;
    assert.ok(pool.reserve('job-1', { cpu: 1, memoryMb: 512 }));
    busy = spawn('sh', ['-c', 'while :; do :; done'], { detached: true, stdio: 'ignore' });
    pool.track('job-1', busy.pid!);
    await sleep(1200);

    const monitor = await t.client.poolMetrics.monitor(POOL, { time_range: '-1.-1.5', statistics: 'maximum', period: '60' });
    assert.ok(Value.Check(PoolMonitor, monitor), JSON.stringify([...Value.Errors(PoolMonitor, monitor)].slice(0, 3)));
    const metric = (name: string) => monitor.metrics.find((m) => m.metric.metricName === name)!;
    assert.equal(monitor.metrics.length, 9);
    const cpu = metric('cpuUsage');
    assert.deepEqual(cpu.metric.dimensions, [{ name: 'poolName', value: POOL }]);
    assert.ok(cpu.dataPoints.length >= 1);
    const peak = Math.max(...cpu.dataPoints.map((p) => p.statistics[0]!.value));
    assert.ok(peak > 5, `a busy loop on a one-core pool shows (got ${peak}%)`);
    assert.equal(cpu.dataPoints[0]!.unit, 'Percent');
    assert.equal(cpu.dataPoints[0]!.timestamp % 60_000, 0, 'steps are aligned on the period');
    assert.ok(metric('memUsedRate').dataPoints[0]!.statistics[0]!.value > 0);
    assert.equal(metric('gpuUtil').dataPoints[0]!.statistics[0]!.value, -1);

    const s = statfsSync(t.config.dataDir);
    const capacityMb = (s.blocks * s.bsize) / 1024 / 1024;
    const diskCap = metric('diskCapacity').dataPoints.at(-1)!.statistics[0]!.value;
    assert.ok(Math.abs(diskCap - capacityMb) < 1, `${diskCap} vs ${capacityMb}`);
    const avail = metric('diskAvailableCapacity').dataPoints.at(-1)!.statistics[0]!.value;
    assert.ok(avail > freeMb.min - 64 && avail < freeMb.max + 64, `available ${avail} MB, statfs said ${freeMb.min}-${freeMb.max} MB meanwhile`);

    const counted = await t.client.poolMetrics.monitor(POOL, { statistics: 'sampleCount' });
    assert.ok(counted.metrics[0]!.dataPoints.reduce((n, p) => n + p.statistics[0]!.value, 0) >= 3, 'several samples taken');
    assert.equal(counted.metrics[0]!.dataPoints[0]!.statistics[0]!.statistic, 'sampleCount');
  });

  test('runtime metrics: capacity and what the holdings reserve, per pool of the project', async () => {
    const list = await t.client.poolMetrics.runtime();
    assert.ok(Value.Check(PoolMetricsList, list), JSON.stringify([...Value.Errors(PoolMetricsList, list)].slice(0, 3)));
    assert.equal(list.kind, 'PoolMetricsList');
    const item = list.items.find((i) => i.metadata.name === POOL)!;
    assert.equal(item.metadata.labels['os.modelarts/name'], 'metrics-pool');
    const capacity = t.atelier.context.pools.get(POOL)!.pool.capacity;
    assert.deepEqual(item.table.capacity.value, { cpu: '1', memory: `${capacity.memoryMb}Mi` });
    assert.deepEqual(item.table.capacity.maxValue, item.table.capacity.value);
    assert.deepEqual(item.table.allocated.value, { cpu: '1', memory: '512Mi' });
    assert.match(item.table.allocated.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(item.table.allocated.window, '1s', 'a 200 ms interval shows as the nearest whole second');
  });

  test('a time span in the past, with start and end, holds no step', async () => {
    const monitor = await t.client.poolMetrics.monitor(POOL, { time_range: '1000000000000.1000003600000.60' });
    assert.ok(monitor.metrics.every((m) => m.dataPoints.length === 0));
  });

  test('bad time_range, statistics and period: 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ time_range: '-1.-1.0' }, BAD],
      [{ time_range: '-1.-1.1441' }, BAD],
      [{ time_range: '-1.-1.86401', period: '3600' }, BAD],
      [{ time_range: '2000.1000.60' }, BAD],
      [{ time_range: '0.7200000.60' }, BAD],
      [{ time_range: 'abc' }, ''],
      [{ statistics: 'median' }, ''],
      [{ period: '61' }, ''],
    ];
    for (const [query, code] of cases) {
      const field = Object.keys(query)[0]!;
      await assert.rejects(
        t.client.poolMetrics.monitor(POOL, query as never),
        (err: unknown) => err instanceof ApiClientError && err.status === 400 && (!code || err.errorCode === code) && (err.errorMsg ?? '').includes(field),
        JSON.stringify(query),
      );
    }
  });

  test("an unknown pool or another project's pool: 404; another project sees none of the pools", async () => {
    await assert.rejects(t.client.poolMetrics.monitor('pool-ffffffffffffffffffffffffffffffff'), apiFailure(404, NOT_FOUND, 'pool'));
    const other = await t.newTenant('metrics-other');
    await assert.rejects(other.poolMetrics.monitor(POOL), apiFailure(404, NOT_FOUND, POOL));
    assert.deepEqual((await other.poolMetrics.runtime()).items, []);
  });
});
