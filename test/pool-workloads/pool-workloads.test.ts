// ListWorkloads (#157) and ShowWorkloadStatistics (#158) over real training jobs placed in a
// one-slice dedicated pool: one runs, the next queues behind it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { hostIp } from '#src/runtime/local/host-resources.ts';
import { WorkloadList, WorkloadStatistics } from '#src/modules/pool-workloads/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, phaseIs, putCode, waitForJob } from '../training-jobs/helpers.ts';

const NOT_FOUND = 'ModelArts.50015001';
const SCHEMA = 'ModelArts.0104';

describe('pool workloads (#157, #158)', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };
  /** The one-slice dedicated pool the jobs run in. */
  let POOL: string;

  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    code = putCode(t, 'workloads/code', 'sleep.py', 'import sys, time\ntime.sleep(float(sys.argv[1].split("=")[1]))\n');
    const network = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'workloads-net' } },
      spec: { cidr: '192.168.0.0/24' },
    });
    const pool = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'pool-workloads' } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: network.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }] },
    });
    POOL = pool.metadata.name;
  });
  after(() => t.close());

  const create = async (name: string, seconds: number) =>
    (
      await t.client.training.createJob({
        metadata: { name },
        algorithm: { ...code, engine: { engine_id: PY_ENGINE }, parameters: [{ name: 'sleep', value: String(seconds) }] },
        spec: { resource: { flavor_id: CPU1, node_count: 1, pool_id: POOL } },
      })
    ).metadata.id;

  test('the running job and the queued one, their fields, filters, order and paging; the counts by kind and state', async () => {
    const first = await create('wl-first', 4);
    const second = await create('wl-second', 0);
    await waitForJob(t.client, first, phaseIs('Running'));
    await waitForJob(t.client, second, (j) => j.status.phase === 'Pending');

    const list = await t.client.poolWorkloads.list(POOL);
    assert.ok(Value.Check(WorkloadList, list), JSON.stringify([...Value.Errors(WorkloadList, list)].slice(0, 3)));
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'WorkloadList');
    // newest first by default
    assert.deepEqual(
      list.items.map((w) => [w.jobName, w.status]),
      [
        ['wl-second', 'Queue'],
        ['wl-first', 'Running'],
      ],
    );
    const [queued, running] = list.items;
    assert.ok(queued && running);
    assert.equal(running.kind, 'Workload');
    assert.equal(running.type, 'train');
    assert.equal(running.namespace, POOL);
    assert.equal(running.jobUUID, first);
    assert.equal(running.name, `training-job:${first}`);
    assert.match(running.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(running.flavor, CPU1);
    assert.equal(running.resourceRequirement.cpu, '1');
    assert.match(running.resourceRequirement.memory, /^\d+Mi$/);
    assert.equal(running.hostIps, hostIp(), 'placed on a slice of this host');
    assert.equal(running.pendingPosition, 0);
    assert.ok(running.createTime > Date.now() - 60_000 && running.createTime <= Date.now());
    assert.ok(running.runningDuration >= 0);
    assert.equal(running.gvk, 'modelarts.huaweicloud.com/v1, Kind=TrainingJob');
    assert.equal(queued.hostIps, '', 'not placed yet');
    assert.equal(queued.pendingPosition, 1);
    assert.equal(queued.runningDuration, 0);

    // filters, order, paging
    const ids = async (query: Parameters<typeof t.client.poolWorkloads.list>[1]) =>
      (await t.client.poolWorkloads.list(POOL, query)).items.map((w) => w.jobUUID);
    assert.deepEqual(await ids({ status: 'Running' }), [first]);
    assert.deepEqual(await ids({ status: 'Queue', type: 'train' }), [second]);
    assert.deepEqual(await ids({ type: 'notebook' }), []);
    assert.deepEqual(await ids({ sort: 'create_time', ascend: true }), [first, second]);
    assert.deepEqual(await ids({ sort: 'create_time', ascend: false }), [second, first]);
    assert.deepEqual(await ids({ sort: 'create_time', ascend: true, offset: '1', limit: 1 }), [second]);
    assert.deepEqual(await ids({ limit: 0 }), [second, first], '0 means the default page');
    assert.deepEqual(await ids({ offset: '2' }), []);

    const stats = await t.client.poolWorkloads.statistics(POOL);
    assert.ok(Value.Check(WorkloadStatistics, stats));
    assert.equal(stats.statistics.total, 3);
    const train = stats.statistics.items.find((i) => i.type === 'train');
    assert.equal(train?.total, 2);
    assert.equal(train?.status.Running, 1);
    assert.equal(train?.status.Queue, 1);
    assert.equal(train?.status.Completed, 0);
    assert.deepEqual(
      stats.statistics.items.map((i) => i.type),
      ['train', 'infer', 'notebook'],
    );

    await waitForJob(t.client, second, ended);
    const done = await t.client.poolWorkloads.list(POOL, { status: 'Completed' });
    assert.deepEqual(done.items.map((w) => w.jobUUID).sort(), [first, second].sort());
    for (const w of done.items) {
      assert.ok(w.runningDuration >= 0);
      assert.equal(w.hostIps, '', 'an ended job holds no node');
    }
    const after = (await t.client.poolWorkloads.statistics(POOL)).statistics.items.find((i) => i.type === 'train');
    assert.equal(after?.status.Completed, 2);
    assert.equal(after?.status.Running, 0);
  });

  test('bad paging and unknown filter values are refused', async () => {
    for (const query of [{ limit: 501 }, { limit: -1 }, { offset: '-1' }, { offset: 'x' }, { offset: '12345678901' }]) {
      await assert.rejects(t.client.poolWorkloads.list(POOL, query), apiFailure(400, SCHEMA), JSON.stringify(query));
    }
    const raw = (q: string) => t.client.http.raw('GET', `/v2/{project_id}/pools/${POOL}/workloads?${q}`);
    for (const q of ['type=batch', 'status=Sleeping', 'sort=name', 'ascend=maybe']) {
      const res = await raw(q);
      assert.equal(res.status, 400, q);
      assert.match(JSON.stringify(res.json), new RegExp(q.split('=')[0] ?? ''), q);
    }
  });

  test('an unknown pool and another project’s pool are not found', async () => {
    const unknown = `pool-${'b'.repeat(32)}`;
    await assert.rejects(t.client.poolWorkloads.list(unknown), apiFailure(404, NOT_FOUND, unknown));
    await assert.rejects(t.client.poolWorkloads.statistics(unknown), apiFailure(404, NOT_FOUND, unknown));
    const other = await t.newTenant('workloads-other');
    await assert.rejects(other.poolWorkloads.list(POOL), apiFailure(404, NOT_FOUND, POOL));
    await assert.rejects(other.poolWorkloads.statistics(POOL), apiFailure(404, NOT_FOUND, POOL));
  });
});
