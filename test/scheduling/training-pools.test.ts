// Training jobs in dedicated pools: a job naming spec.resource.pool_id waits for that pool's own
// capacity, first come first served within the pool, while the public pool runs its own jobs beside
// them; the pool's scope and the project's pools are enforced at create; placements survive a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import type { PoolEvent, PoolScope } from '#src/runtime/local/pool-registry.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, phaseIs, putCode, putObject, waitForJob } from '../training-jobs/helpers.ts';

const NODE = { name: 'node-1', capacity: { cpu: 1, memoryMb: 4096 } };
const poolId = (n: number) => `pool-${String(n).padStart(32, '0')}`;

describe('training jobs in dedicated pools', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };
  const events: PoolEvent[] = [];

  const addPool = (app: AtelierApp, name: string, scope: PoolScope[], restore = false) => {
    const identity = { name, projectId: t.creds.project_id, displayName: `${name}-display`, scope };
    return restore ? app.context.pools.restore(identity, [NODE]) : app.context.pools.add(identity, [NODE]);
  };

  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    t.atelier.context.pools.setEventSink((e) => events.push(e));
    code = putCode(t, 'pools/code', 'sleep.py', 'import sys, time\ntime.sleep(float(sys.argv[1].split("=")[1]))\n');
  });
  after(() => t.close());

  const create = async (client: AtelierClient, name: string, seconds: number, pool?: string, flavor = CPU1, nodes = 1, where = code) =>
    (
      await client.training.createJob({
        metadata: { name },
        algorithm: { ...where, engine: { engine_id: PY_ENGINE }, parameters: [{ name: 'sleep', value: String(seconds) }] },
        spec: { resource: { flavor_id: flavor, node_count: nodes, ...(pool ? { pool_id: pool } : {}) } },
      })
    ).metadata.id;

  test('two jobs in a one-slice pool run one after the other while a public job runs beside them', async () => {
    const pool = poolId(1);
    assert.ok(addPool(t.atelier, pool, ['Train']));
    const first = await create(t.client, 'in-pool-1', 2, pool);
    const second = await create(t.client, 'in-pool-2', 0, pool);
    const running = await waitForJob(t.client, first, phaseIs('Running'));
    assert.equal(running.spec?.resource?.pool_id, pool);
    const dedicated = t.atelier.context.pools.get(pool)!.pool;
    // Its task's process group is tracked in the pool (what the metrics sampler measures).
    for (let i = 0; i < 100 && !dedicated.holdings()[0]?.processGroups.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      dedicated.holdings().map((h) => [h.key, h.placement.map((p) => p.node), h.processGroups.length]),
      [[`training-job:${first}`, ['node-1'], 1]],
    );
    const queued = await waitForJob(t.client, second, (j) => j.status.phase === 'Pending');
    assert.equal(queued.status.secondary_phase, 'Queuing');
    const reason = (queued.status.task_statuses ?? [])[0]?.message ?? '';
    assert.match(reason, new RegExp(`${pool}`), reason);
    // The public pool's job runs at the same time: the dedicated pool's slice is not its capacity, nor the other way round.
    const pub = await create(t.client, 'public', 0);
    const publicJob = await waitForJob(t.client, pub, ended);
    assert.equal(publicJob.status.phase, 'Completed');
    assert.equal((await t.client.training.getJob(second)).status.phase, 'Pending', 'still waits for its own pool');
    const workloads = await t.atelier.context.poolWorkloads.list(t.creds.project_id, pool);
    assert.deepEqual(
      workloads.map((w) => [w.name, w.status, w.pendingPosition]),
      [
        ['in-pool-1', 'Running', undefined],
        ['in-pool-2', 'Queue', 1],
      ],
    );
    const [a, b] = [await waitForJob(t.client, first, ended), await waitForJob(t.client, second, ended)];
    assert.equal(a.status.phase, 'Completed');
    assert.equal(b.status.phase, 'Completed');
    assert.ok(Number(b.status.start_time) >= Number(a.status.start_time) + a.status.duration - 5, 'the second started when the first ended');
    const mine = events.filter((e) => e.pool === pool).map((e) => `${e.type} ${e.reason}`);
    for (const want of ['Normal JobScheduled', 'Warning JobQueued', 'Normal JobEnded']) assert.ok(mine.includes(want), `${want} in ${mine.join(', ')}`);
    assert.equal(mine.filter((e) => e === 'Warning JobQueued').length, 1, 'a queued event is not repeated while its reason holds');
    assert.ok(t.atelier.context.pools.remove(pool));
  });

  test('over the API: a pool made by CreatePool runs a job and queues the next; ListWorkloads shows both; DeletePool is refused while busy', async () => {
    const net = (
      await t.client.networks.create({
        apiVersion: 'v1',
        kind: 'Network',
        metadata: { labels: { 'os.modelarts/name': 'sched-net' } },
        spec: { cidr: '192.168.8.0/24' },
      })
    ).metadata.name;
    const made = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'sched-pool', 'os.modelarts/workspace.id': '0' }, annotations: { 'os.modelarts/billing.mode': '0' } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: net }, resources: [{ flavor: CPU1, count: '1' }] },
    });
    const pool = made.metadata.name;
    const first = await create(t.client, 'api-pool-1', 2, pool);
    const second = await create(t.client, 'api-pool-2', 0, pool);
    await waitForJob(t.client, first, phaseIs('Running'));
    await waitForJob(t.client, second, phaseIs('Pending'));
    const listed = await t.client.poolWorkloads.list(pool);
    assert.deepEqual(
      listed.items.map((w) => [w.jobName, w.status, w.pendingPosition]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['api-pool-1', 'Running', 0],
        ['api-pool-2', 'Queue', 1],
      ],
      JSON.stringify(listed.items),
    );
    await assert.rejects(t.client.pools.delete(pool), apiFailure(400, 'ModelArts.50004000'), 'refused while a job runs in it');
    assert.equal((await waitForJob(t.client, second, ended)).status.phase, 'Completed');
    await t.client.pools.delete(pool);
  });

  test('create refuses an unknown pool, another project, a pool without Train, and a flavor bigger than every node', async () => {
    await assert.rejects(create(t.client, 'nowhere', 0, poolId(99)), apiFailure(400, 'ModelArts.0104', 'pool_id'));
    const infer = poolId(2);
    assert.ok(addPool(t.atelier, infer, ['Infer', 'Notebook']));
    await assert.rejects(create(t.client, 'wrong-scope', 0, infer), apiFailure(400, 'ModelArts.0104', 'Train'));
    const other = await t.newTenant('other-sched');
    const theirCode = putObject(t, 'code/sleep.py', 'print(1)\n', 'other-sched-bucket');
    const theirs = { code_dir: '/other-sched-bucket/code/', boot_file: theirCode };
    await assert.rejects(create(other, 'not-mine', 0, infer, CPU1, 1, theirs), apiFailure(400, 'ModelArts.0104', 'pool_id'));
    const train = poolId(3);
    assert.ok(t.atelier.context.pools.remove(infer));
    assert.ok(addPool(t.atelier, train, ['Train']));
    // Two replicas of one core: the pool has one node of one core, so it can never run there.
    await assert.rejects(create(t.client, 'too-big', 0, train, CPU1, 2), apiFailure(400, 'ModelArts.6323', train));
    assert.equal(t.atelier.context.pools.busy(train), false, 'nothing stored or held');
    assert.ok(t.atelier.context.pools.remove(train));
  });

  test('a restart books running jobs again in their pool and keeps the queue', async () => {
    const pool = poolId(4);
    assert.ok(addPool(t.atelier, pool, ['Train']));
    const first = await create(t.client, 'restart-1', 30, pool);
    const second = await create(t.client, 'restart-2', 0, pool);
    await waitForJob(t.client, first, phaseIs('Running'));
    await waitForJob(t.client, second, phaseIs('Pending'));
    await t.atelier.close();

    const atelier = await buildApp(t.config);
    addPool(atelier, pool, ['Train'], true);
    await atelier.recover();
    await atelier.app.listen({ host: '127.0.0.1', port: 0 });
    atelier.startBackground();
    try {
      const url = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
      const client = new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id });
      const dedicated = atelier.context.pools.get(pool)!.pool;
      const held = () => dedicated.holdings().map((h) => h.key);
      assert.deepEqual(held(), [`training-job:${first}`], 'the running job holds its pool again, once');
      assert.equal(atelier.context.pools.publicPool.has(`training-job:${first}`), false, 'not in the public pool');
      assert.equal((await client.training.getJob(first)).status.phase, 'Running');
      assert.equal((await client.training.getJob(second)).status.phase, 'Pending');
      await client.training.terminateJob(first);
      assert.equal((await waitForJob(client, second, ended)).status.phase, 'Completed');
    } finally {
      await atelier.close();
    }
  });
});
