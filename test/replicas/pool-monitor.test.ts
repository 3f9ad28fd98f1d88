// The pool monitor across replicas: two servers on one database, both running background work, sample once between
// them (the sampler's lease) and answer the same history and runtime metrics; the history outlives a restart of both.
// Runs on SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually } from '../models/fixtures.ts';
import { secondReplica } from './second-replica.ts';

const MINUTE = 60_000;

describe('pool monitor history across replicas', () => {
  let t: TestApp;
  let other: AtelierApp | undefined;
  let restarted: AtelierApp | undefined;
  let viaOther: AtelierClient;
  let pool: string;

  before(async () => {
    t = await startTestApp({ ATELIER_METRICS_INTERVAL: '200' });
    ({ app: other, client: viaOther } = await secondReplica(t, false));
    const net = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'monitor-net' } },
      spec: { cidr: '192.168.20.0/24' },
    });
    pool = (
      await t.client.pools.create({
        apiVersion: 'v2',
        kind: 'Pool',
        metadata: { labels: { 'os.modelarts/name': 'monitored', 'os.modelarts/workspace.id': '0' } },
        spec: { type: 'Dedicate', scope: ['Train'], network: { name: net.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: 1 }] },
      })
    ).metadata.name;
    t.atelier.startBackground();
    other.startBackground();
  });
  after(async () => {
    await other?.close();
    await restarted?.close();
    await t.close();
  });

  const sampleCount = (m: Awaited<ReturnType<AtelierClient['poolMetrics']['monitor']>>, name: string) =>
    m.metrics.find((x) => x.metric.metricName === name)!.dataPoints.reduce((n, p) => n + p.statistics[0]!.value, 0);

  test('both replicas answer the same history, taken by one of them, and the history outlives a restart', async () => {
    const started = Date.now();
    // The other replica knows the pool once its loop registered it.
    await eventually('the pool sampled a few times', async () => {
      const m = await viaOther.poolMetrics.monitor(pool, { statistics: 'sampleCount', period: '60', time_range: '-1.-1.5' }).catch(() => undefined);
      return m && sampleCount(m, 'cpuUsage') >= 5 ? true : undefined;
    });
    await sleep(1000);
    // A span that has ended: no later sample changes it once the pass that took its last sample has written it (on a
    // busy machine a pass may take a while: both replicas are read until they agree).
    const end = Date.now() - 800;
    const query = { statistics: 'sampleCount' as const, period: '60' as const, time_range: `${end - 2 * MINUTE}.${end}.2` };
    const first = await eventually('the same history through both', async () => {
      const [a, b] = [await t.client.poolMetrics.monitor(pool, query), await viaOther.poolMetrics.monitor(pool, query)];
      return JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
    });
    const samples = sampleCount(first, 'cpuUsage');
    // One replica sampled: at most one sample per interval since the start (two samplers would take about twice).
    assert.ok(samples >= 5 && samples <= (end - started) / 200 + 2, `${samples} samples in ${end - started} ms`);
    // The host is sampled from the start, the pool once the sampling replica registered it.
    assert.ok(sampleCount(first, 'diskCapacity') >= samples, 'the host series sampled with the pool');
    const holder = await t.atelier.context.replica.leases.holder('metrics-sampler');
    assert.ok(holder && [t.atelier.context.replica.id, other!.context.replica.id].includes(holder.owner), 'one of the two samples');
    const maxima = await t.client.poolMetrics.monitor(pool, { ...query, statistics: 'maximum' });
    assert.deepEqual(await viaOther.poolMetrics.monitor(pool, { ...query, statistics: 'maximum' }), maxima);
    assert.deepEqual(await t.client.poolMetrics.monitor(pool, query), first, 'the span no longer changes');

    // The runtime metrics: the same latest reading through both (retried across a sample taken between the two reads).
    await eventually('the same runtime metrics', async () => {
      const [a, b] = [await t.client.poolMetrics.runtime(), await viaOther.poolMetrics.runtime()];
      return JSON.stringify(a) === JSON.stringify(b) && a.items.some((i) => i.metadata.name === pool) ? true : undefined;
    });

    // Both replicas stop; a new one answers the same history and goes on sampling.
    await other!.close();
    other = undefined;
    await t.atelier.close();
    const again = await restartedApp(t);
    restarted = again.atelier;
    assert.deepEqual(await again.client.poolMetrics.monitor(pool, query), first);
    assert.deepEqual(await again.client.poolMetrics.monitor(pool, { ...query, statistics: 'maximum' }), maxima);
    const now = Date.now();
    await eventually('new samples after the restart', async () => {
      const m = await again.client.poolMetrics.monitor(pool, { statistics: 'sampleCount', period: '60', time_range: `${now}.-1.2` });
      return sampleCount(m, 'cpuUsage') >= 2 ? true : undefined;
    });

    // A deleted pool's stored history goes with it.
    await again.client.pools.delete(pool);
    const stored = () => again.atelier.context.database.db.selectFrom('metric_buckets').select('start').where('series', '=', `pool:${pool}`).execute();
    await eventually("the deleted pool's rows gone", async () => ((await stored()).length === 0 ? true : undefined));
  });
});
