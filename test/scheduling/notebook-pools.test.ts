// Notebooks in dedicated pools: pool_id places an instance on the pool's node; a second one waits in
// CREATING (step 2 in progress, an event saying why) and starts when the first stops; the pool's
// scope (Notebook) and the project's pools are enforced; DevEnviron's pool.id goes the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolEvent, PoolScope } from '#src/runtime/local/pool-registry.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, notebookEnv, waitFor, waitGone } from '../notebooks/helpers.ts';

const poolId = (n: number) => `pool-${String(n).padStart(32, 'b')}`;
const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 5 };

describe('notebooks in dedicated pools', () => {
  let t: TestApp;
  let imageId: string;
  const events: PoolEvent[] = [];
  const created: string[] = [];

  const addPool = (name: string, scope: PoolScope[]) =>
    t.atelier.context.pools.add({ name, projectId: t.creds.project_id, displayName: `${name}-shown`, scope }, [
      { name: 'node-1', capacity: { cpu: 1, memoryMb: 4096 } },
    ]);
  const create = async (name: string, pool?: string) => {
    const nb = await t.client.notebooks.create({ name, flavor: FLAVOR, image_id: imageId, volume, ...(pool ? { pool_id: pool } : {}) });
    created.push(nb.id);
    return nb;
  };

  before(async () => {
    t = await startTestApp(await notebookEnv());
    t.atelier.context.pools.setEventSink((e) => events.push(e));
    imageId = builtInImage().id;
  });
  after(async () => {
    for (const id of created) await t.client.notebooks.delete(id).catch(() => undefined);
    for (const id of created) await waitGone(t.client, id).catch(() => undefined);
    await t.close();
  });

  test('a second instance waits CREATING for the one-slice pool and starts when the first stops', async () => {
    const pool = poolId(1);
    assert.ok(addPool(pool, ['Notebook']));
    const first = await create('nb-pool-1', pool);
    assert.deepEqual(first.pool, { id: pool, name: `${pool}-shown` });
    await waitFor(t.client, first.id, ['RUNNING']);
    const dedicated = t.atelier.context.pools.get(pool)!.pool;
    const held = dedicated.holdings().find((h) => h.key === `notebook-${first.id}`);
    assert.ok(held, 'held in the dedicated pool');
    assert.ok(held.processGroups.length > 0, 'its Jupyter process group is tracked');
    assert.equal(t.atelier.context.localPool.has(`notebook-${first.id}`), false);
    const second = await create('nb-pool-2', pool);
    await new Promise((r) => setTimeout(r, 300));
    const waiting = await t.client.notebooks.get(second.id);
    assert.equal(waiting.status, 'CREATING');
    assert.equal(waiting.action_progress[1]?.status, 'PROCESSING');
    const workloads = await t.atelier.context.poolWorkloads.list(t.creds.project_id, pool);
    assert.deepEqual(
      workloads.filter((w) => w.type === 'notebook').map((w) => [w.name, w.status, w.pendingPosition]),
      [
        ['nb-pool-1', 'Running', undefined],
        ['nb-pool-2', 'Queue', 1],
      ],
    );
    const listed = await t.client.notebooks.list({ pool_id: pool });
    assert.equal(listed.total, 2);
    await t.client.notebooks.stop(first.id);
    await waitFor(t.client, second.id, ['RUNNING']);
    const mine = events.filter((e) => e.pool === pool).map((e) => e.reason);
    for (const want of ['NotebookScheduled', 'NotebookQueued', 'NotebookEnded']) assert.ok(mine.includes(want), mine.join(', '));
    for (const id of [first.id, second.id]) await t.client.notebooks.delete(id);
    for (const id of [first.id, second.id]) await waitGone(t.client, id);
    assert.ok(t.atelier.context.pools.remove(pool), 'the pool is idle once its instances are gone');
  });

  test('a Train-only pool, an unknown pool and a flavor larger than every node are refused; nothing is stored', async () => {
    const train = poolId(2);
    assert.ok(addPool(train, ['Train']));
    await assert.rejects(create('nb-wrong-scope', train), apiFailure(400, 'ModelArts.0104', 'Notebook'));
    await assert.rejects(create('nb-nowhere', poolId(3)), apiFailure(400, 'ModelArts.0104', 'pool_id'));
    const before = (await t.client.notebooks.list({})).total;
    assert.equal(before, (await t.client.notebooks.list({})).total);
    assert.ok(!(await t.client.notebooks.list({})).data.some((n) => n.name.startsWith('nb-wrong') || n.name.startsWith('nb-nowhere')));
    assert.ok(t.atelier.context.pools.remove(train));
  });

  test("DevEnviron's pool.id places the instance the same way (scope Notebook)", async () => {
    await t.atelier.context.objectStore.ensureBucket('devenv-pool-bucket');
    const body = (name: string, pool: string) => ({
      name,
      profile_id: builtInImage().name,
      flavor: FLAVOR,
      spec: { storage: { type: 'obs' as const, location: { path: '/devenv-pool-bucket/work/' } } },
      pool: { id: pool },
    });
    const train = poolId(5);
    assert.ok(addPool(train, ['Train']));
    await assert.rejects(t.client.devenv.create(body('old-wrong-scope', train)), apiFailure(400, 'ModelArts.0104', 'Notebook'));
    const pool = poolId(6);
    assert.ok(addPool(pool, ['Notebook']));
    const inst = await t.client.devenv.create(body('old-in-pool', pool));
    created.push(inst.id);
    await waitFor(t.client, inst.id, ['RUNNING']);
    assert.ok(t.atelier.context.pools.get(pool)!.pool.has(`notebook-${inst.id}`));
    assert.deepEqual(
      (await t.client.devenv.list({ de_type: 'Notebook', pool_id: pool })).instances.map((i) => i.id),
      [inst.id],
    );
  });
});
