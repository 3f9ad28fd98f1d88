// The example, end to end over HTTP: a network and a one-slice pool on it, tagged and found
// by its tag; two training jobs in the pool run one after the other while a public job runs beside
// them; the pool's workloads and monitor show the running job, then the next; deleting the busy
// pool is refused; deleted afterwards, its slice goes back to the public pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, phaseIs, putCode, waitForJob } from '../training-jobs/helpers.ts';
import { eventually } from '../models/fixtures.ts';

const BUSY = 'import sys, time\nend = time.time() + float(sys.argv[1].split("=")[1])\nwhile time.time() < end:\n    pass\n';

test('network, pool, tags, queued jobs in the pool beside a public job, workloads, monitor, delete', async () => {
  const t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1', ATELIER_METRICS_INTERVAL: '200' });
  try {
    t.atelier.startBackground();
    const code = putCode(t, 'e2e-pool/code', 'busy.py', BUSY);
    const publicFreeBefore = t.atelier.context.localPool.free();

    // 1. A network, a one-slice pool on it, a tag, and the pool found by that tag.
    const net = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'e2e-net' } },
      spec: { cidr: '192.168.20.0/24' },
    });
    const made = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'e2e-pool' } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: net.metadata.name }, resources: [{ flavor: CPU1, count: '1' }] },
    });
    const pool = made.metadata.name;
    await eventually('the pool running', async () => ((await t.client.pools.show(pool)).status.phase === 'Running' ? true : undefined));
    assert.equal((await t.client.pools.nodes(pool)).items.length, 1);
    await t.client.poolTags.create(pool, { tags: [{ key: 'team', value: 'vision' }] });
    const found = await t.client.poolTags.filter({ tags: [{ key: 'team', values: ['vision'] }] });
    assert.deepEqual(
      found.resources?.map((r) => [r.resource_id, r.resource_name]),
      [[pool, 'e2e-pool']],
    );

    // 2 and 3. Two jobs in the pool (the second queues), a public job beside them.
    const job = async (name: string, seconds: number, inPool: boolean) =>
      (
        await t.client.training.createJob({
          metadata: { name },
          algorithm: { ...code, engine: { engine_id: PY_ENGINE }, parameters: [{ name: 'seconds', value: String(seconds) }] },
          spec: { resource: { flavor_id: CPU1, node_count: 1, ...(inPool ? { pool_id: pool } : {}) } },
        })
      ).metadata.id;
    const first = await job('e2e-first', 3, true);
    const second = await job('e2e-second', 1, true);
    const outside = await job('e2e-public', 2, false);
    await waitForJob(t.client, first, phaseIs('Running'));
    await waitForJob(t.client, outside, phaseIs('Running'), 30_000);
    const queued = await waitForJob(t.client, second, phaseIs('Pending'));
    assert.equal(queued.status.secondary_phase, 'Queuing');
    assert.equal((await t.client.training.getJob(first)).status.phase, 'Running', 'the public job runs beside the pool job, not instead of it');

    // 4. Workloads and monitor show the running job, then the next.
    const workloads = async () => Object.fromEntries((await t.client.poolWorkloads.list(pool)).items.map((w) => [w.jobName, w.status] as [string, string]));
    assert.deepEqual(await workloads(), { 'e2e-first': 'Running', 'e2e-second': 'Queue' });
    const busyPeak = await eventually('the pool busy in its monitor', async () => {
      const monitor = await t.client.poolMetrics.monitor(pool, { time_range: '-1.-1.5', statistics: 'maximum', period: '60' });
      const cpu = monitor.metrics.find((m) => m.metric.metricName === 'cpuUsage');
      const peak = Math.max(0, ...(cpu?.dataPoints ?? []).map((p) => p.statistics[0]?.value ?? 0));
      return peak > 5 ? peak : undefined;
    });
    assert.ok(busyPeak > 5);
    await waitForJob(t.client, second, phaseIs('Running'), 30_000);
    assert.equal((await workloads())['e2e-first'], 'Completed');

    // 5. Busy: refused.
    await assert.rejects(t.client.pools.delete(pool), apiFailure(400, 'ModelArts.50004000'));
    for (const id of [second, outside]) assert.equal((await waitForJob(t.client, id, ended, 30_000)).status.phase, 'Completed');

    // 6. Deleted afterwards: its slice is the public pool's again.
    await t.client.pools.delete(pool);
    await eventually('the pool gone', async () =>
      t.client.pools.show(pool).then(
        () => undefined,
        () => true,
      ),
    );
    assert.deepEqual(t.atelier.context.localPool.free(), publicFreeBefore);
    await assert.rejects(t.client.pools.show(pool), apiFailure(404, 'ModelArts.50015001'));
  } finally {
    await t.close();
  }
});
