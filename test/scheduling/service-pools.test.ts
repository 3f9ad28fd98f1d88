// Services in dedicated pools: pool_name (or cluster_id) places a service's instances on the pool's
// nodes; one that does not fit now stays deploying, says it waits for the pool, and starts when room
// frees; the pool's scope (Infer) and the project's pools are enforced.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolEvent, PoolScope } from '#src/runtime/local/pool-registry.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

const ONE_CORE = { specification: 'custom', custom_spec: { cpu: 1, memory: 128 } };
const poolId = (n: number) => `pool-${String(n).padStart(32, 'a')}`;

describe('services in dedicated pools', () => {
  let t: TestApp;
  let model: string;
  const events: PoolEvent[] = [];

  const addPool = (name: string, scope: PoolScope[]) =>
    t.atelier.context.pools.add({ name, projectId: t.creds.project_id, displayName: name, scope }, [{ name: 'node-1', capacity: { cpu: 1, memoryMb: 4096 } }]);

  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    t.atelier.startBackground(); // models are published by background tasks
    t.atelier.context.pools.setEventSink((e) => events.push(e));
    model = await importModel(t.client, await putPackage(t, 'svc-pool-models', 'onnx', onnxPackage()), 'svc-pool-model');
  });
  after(() => t.close());

  const create = (name: string, pool?: string) =>
    t.client.services.create({
      service_name: name,
      infer_type: 'real-time',
      ...(pool ? { pool_name: pool } : {}),
      config: [{ model_id: model, weight: 100, instance_count: 1, ...ONE_CORE }],
    });
  const statusOf = async (id: string) => (await t.client.services.show(id)).status;
  const running = (id: string) =>
    eventually(`service ${id} running`, async () => {
      const s = await t.client.services.show(id);
      if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    });

  test('a second service waits for the one-slice pool (deploying) and starts when the first stops', async () => {
    const pool = poolId(1);
    assert.ok(addPool(pool, ['Infer']));
    const { service_id: first } = await create('svc-in-pool-1', pool);
    await running(first);
    const dedicated = t.atelier.context.pools.get(pool)!.pool;
    assert.deepEqual(
      dedicated.holdings().map((h) => [h.key, h.placement.map((p) => p.node)]),
      [[first, ['node-1']]],
    );
    assert.equal(t.atelier.context.localPool.has(first), false, 'not in the public pool');
    const { service_id: second } = await create('svc-in-pool-2', pool);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await statusOf(second), 'deploying');
    const said = (await t.client.services.events(second)).events.map((e) => e.event_info);
    assert.ok(
      said.some((e) => e.includes(`waiting for room in resource pool ${pool}`)),
      said.join(' | '),
    );
    const workloads = await t.atelier.context.poolWorkloads.list(t.creds.project_id, pool);
    assert.deepEqual(
      workloads.filter((w) => w.type === 'infer').map((w) => [w.name, w.status, w.pendingPosition]),
      [
        ['svc-in-pool-1', 'Running', undefined],
        ['svc-in-pool-2', 'Queue', 1],
      ],
    );
    await t.client.services.update(first, { status: 'stopped' });
    await running(second);
    const mine = events.filter((e) => e.pool === pool).map((e) => e.reason);
    for (const want of ['ServiceScheduled', 'ServiceQueued', 'ServiceEnded']) assert.ok(mine.includes(want), mine.join(', '));
    await t.client.services.delete(second);
    await t.client.services.delete(first);
    await eventually('pool idle', () => Promise.resolve(t.atelier.context.pools.busy(pool) ? undefined : true));
    assert.ok(t.atelier.context.pools.remove(pool));
  });

  test('a Train-only pool refuses a service; an unknown or another project pool is not found; nothing is stored', async () => {
    const train = poolId(2);
    assert.ok(addPool(train, ['Train']));
    await assert.rejects(create('svc-wrong-scope', train), apiFailure(400, 'ModelArts.0104', 'Infer'));
    await assert.rejects(create('svc-nowhere', poolId(3)), apiFailure(400, 'ModelArts.3547'));
    const other = await t.newTenant('svc-pool-other');
    await assert.rejects(
      other.services.create({
        service_name: 'svc-not-mine',
        infer_type: 'real-time',
        pool_name: train,
        config: [{ model_id: model, weight: 100, instance_count: 1, ...ONE_CORE }],
      }),
      apiFailure(400, 'ModelArts.3547'),
    );
    const listed = await t.client.services.list({});
    assert.ok(!listed.services.some((s) => s.service_name.startsWith('svc-wrong') || s.service_name.startsWith('svc-nowhere')));
    // Two one-core instances can never run on the pool's one one-core node.
    const infer = poolId(4);
    assert.ok(addPool(infer, ['Infer']));
    await assert.rejects(
      t.client.services.create({
        service_name: 'svc-too-big',
        infer_type: 'real-time',
        pool_name: infer,
        config: [{ model_id: model, weight: 100, instance_count: 2, ...ONE_CORE }],
      }),
      apiFailure(400, 'ModelArts.3952', infer),
    );
    assert.ok(t.atelier.context.pools.remove(train));
    assert.ok(t.atelier.context.pools.remove(infer));
  });
});
