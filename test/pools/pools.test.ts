import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism, hostname } from 'node:os';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { EventList, Pool, PoolList, PoolNodeList, PoolStatistics } from '#src/modules/pools/schemas.ts';
import { hostIp } from '#src/runtime/local/host-resources.ts';
import { buildApp } from '#src/app.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';

const BAD = 'ModelArts.50004000';
const NOT_FOUND = 'ModelArts.50015001';
const SCHEMA = 'ModelArts.0104';
const SLICE = 'modelarts.vm.cpu.1u';

const check = (schema: TSchema, value: unknown) => assert.ok(Value.Check(schema, value), JSON.stringify([...Value.Errors(schema, value)].slice(0, 3)));

const poolBody = (name: string, network: string, resources: { flavor: string; count: string | number }[] = [{ flavor: SLICE, count: '1' }]) => ({
  apiVersion: 'v2' as const,
  kind: 'Pool' as const,
  metadata: {
    labels: { 'os.modelarts/name': name, 'os.modelarts/workspace.id': '0' },
    annotations: { 'os.modelarts/description': 'a pool', 'os.modelarts/billing.mode': '0' as const },
  },
  spec: { type: 'Dedicate' as const, scope: ['Train' as const], network: { name: network }, resources },
});

async function network(t: TestApp, name: string, cidr: string): Promise<string> {
  const n = await t.client.networks.create({ apiVersion: 'v1', kind: 'Network', metadata: { labels: { 'os.modelarts/name': name } }, spec: { cidr } });
  return n.metadata.name;
}

const freeCpu = (t: TestApp) => t.atelier.context.localPool.free().cpu;

describe('resource pools (#149-153, #140-142, #155)', () => {
  let t: TestApp;
  let net: string;
  before(async () => {
    t = await startTestApp({ ATELIER_POOL_QUOTA: '1', ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    net = await network(t, 'pool-net', '192.168.0.0/24');
  });
  after(() => t.close());

  test('create, show, list, nodes, statistics, patch and delete a pool: its slice leaves the public pool and comes back', async () => {
    const freeBefore = freeCpu(t);
    const created = await t.client.pools.create(poolBody('pool-001', net));
    check(Pool, created);
    assert.match(created.metadata.name, /^pool-[0-9a-f]{32}$/);
    assert.equal(created.apiVersion, 'v2');
    assert.deepEqual(created.metadata.labels, {
      'os.modelarts/name': 'pool-001',
      'os.modelarts/workspace.id': '0',
      'os.modelarts/resource.id': created.metadata.name,
    });
    assert.deepEqual(created.metadata.annotations, { 'os.modelarts/description': 'a pool', 'os.modelarts/billing.mode': '0' });
    assert.deepEqual(created.spec, { type: 'Dedicate', scope: ['Train'], resources: [{ flavor: SLICE, count: 1 }], network: { name: net } });
    assert.equal(created.status.phase, 'Running');
    assert.deepEqual(created.status.resources, { available: [{ flavor: SLICE, count: 1 }] });
    assert.deepEqual(created.status.scope, [{ scopeType: 'Train', state: 'Enabled' }]);
    assert.equal(freeCpu(t), freeBefore - 1);
    const id = created.metadata.name;

    assert.deepEqual(await t.client.pools.show(id), created);
    const list = await t.client.pools.list();
    check(PoolList, list);
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      [id],
    );
    assert.equal((await t.client.pools.list({ status: 'creating' })).items.length, 0);
    assert.equal((await t.client.pools.list({ status: 'created' })).items.length, 1);
    assert.equal((await t.client.pools.list({ labelSelector: 'os.modelarts/name=pool-001', workspaceId: '0' })).items.length, 1);
    assert.equal((await t.client.pools.list({ workspaceId: 'other' })).items.length, 0);
    await assert.rejects(t.client.pools.list({ labelSelector: 'a=b=c' }), apiFailure(400, BAD, 'labelSelector'));

    const nodes = await t.client.pools.nodes(id);
    check(PoolNodeList, nodes);
    assert.equal(nodes.items.length, 1);
    const [node] = nodes.items;
    assert.equal(node?.metadata.name, `${hostname()}-${id.slice(5, 13)}-1`);
    assert.equal(node?.spec.flavor, SLICE);
    assert.equal(node?.status.privateIp, hostIp());
    assert.equal(node?.status.resources.cpu, '1000m');
    assert.deepEqual(node?.status.availableResources, node?.status.resources);

    const stats = await t.client.pools.statistics();
    check(PoolStatistics, stats);
    assert.deepEqual(stats.statistics.status, { creating: 0, created: 1, failed: 0, pending: 0 });
    assert.match(stats.operationTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0000 UTC$/);
    const quota = (await t.client.resourceConfig.quotas()).quotas.resources.find((r) => r.type === 'pool');
    assert.equal(quota?.used, 1);

    const events = await t.client.pools.events({ resource: 'pools', name: id });
    check(EventList, events);
    assert.deepEqual(
      events.items.map((e) => e.reason),
      ['PoolStatusChange', 'PoolNetworkAttached', 'PoolResourcesStatusChange', 'PoolStatusChange'],
    );
    assert.equal(events.items[1]?.message, `Pool attached to network ${net}.`);
    assert.match(events.items[3]?.message ?? '', /from Creating to Running/);

    const patched = await t.client.pools.patch(id, { metadata: { annotations: { 'os.modelarts/description': null } }, spec: { scope: ['Train', 'Infer'] } });
    assert.deepEqual(patched.metadata.annotations, { 'os.modelarts/billing.mode': '0' });
    assert.deepEqual(patched.spec.scope, ['Train', 'Infer']);
    assert.deepEqual(t.atelier.context.pools.get(id)?.scope, ['Train', 'Infer']);
    assert.deepEqual(await t.client.pools.show(id), patched);

    // the network is in use while the pool attaches to it
    await assert.rejects(t.client.networks.delete(net), apiFailure(400, 'ModelArts.50004000', id));

    const deleted = await t.client.pools.delete(id);
    assert.equal(deleted.status.phase, 'Deleting');
    assert.equal(freeCpu(t), freeBefore);
    assert.equal(t.atelier.context.pools.get(id), undefined);
    await assert.rejects(t.client.pools.show(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.pools.delete(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.pools.patch(id, {}), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.pools.nodes(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.pools.deleteNodes(id, { deleteNodeNames: ['x'] }), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.pools.events({ resource: 'pools', name: id }), apiFailure(404, NOT_FOUND));
  });

  test('bad input is refused naming the field, and nothing is stored or reserved', async () => {
    const freeBefore = freeCpu(t);
    const cases: [unknown, number, string, string][] = [
      [poolBody('bad-flavor', net, [{ flavor: 'modelarts.vm.gpu.t4u8', count: '1' }]), 400, BAD, 'spec.resources[0].flavor'],
      [poolBody('zero', net, [{ flavor: SLICE, count: '0' }]), 400, SCHEMA, 'count'],
      [poolBody('zero', net, [{ flavor: SLICE, count: 0 }]), 400, SCHEMA, 'count'],
      [poolBody('not-a-number', net, [{ flavor: SLICE, count: 'x' }]), 400, SCHEMA, 'count'],
      [poolBody('too-many', net, [{ flavor: SLICE, count: '1000' }]), 400, SCHEMA, 'count'],
      [poolBody('bigger-than-host', net, [{ flavor: SLICE, count: String(t.atelier.context.localPool.capacity.cpu + 1) }]), 400, BAD, 'this host has'],
      [poolBody('too-many-slices', net, [{ flavor: SLICE, count: '999' }]), 400, BAD, 'at most 256'],
      [
        poolBody('twice', net, [
          { flavor: SLICE, count: '1' },
          { flavor: SLICE, count: '1' },
        ]),
        400,
        BAD,
        'named twice',
      ],
      [poolBody('Bad_Name', net), 400, SCHEMA, 'metadata.labels.os.modelarts'],
      [poolBody('no-net', 'network-none'), 400, BAD, 'spec.network.name'],
      [{ ...poolBody('extra', net), extra: 1 }, 400, SCHEMA, ''],
      [{ ...poolBody('kind', net), kind: 'Network' }, 400, SCHEMA, 'kind'],
      [{ ...poolBody('gpu-driver', net), spec: { ...poolBody('gpu-driver', net).spec, driver: { gpuVersion: '440.31' } } }, 400, BAD, 'spec.driver.gpuVersion'],
      [{ ...poolBody('shared', net), metadata: { labels: { 'os.modelarts/name': 'shared', 'os.modelarts/sharing': 'shared' } } }, 400, SCHEMA, 'sharing'],
    ];
    for (const [body, status, code, mentions] of cases) {
      const r = await t.client.http.raw('POST', '/v2/{project_id}/pools', { body });
      assert.equal(r.status, status, JSON.stringify(body));
      const error = r.json as { error_code: string; error_msg: string };
      assert.equal(error.error_code, code, error.error_msg);
      assert.ok(error.error_msg.includes(mentions), `${error.error_msg} mentions ${mentions}`);
    }
    // The spec's example: apiVersion v1, count as a number, masters and a driver strategy, an unshared pool.
    const example = poolBody('numeric', net, [{ flavor: SLICE, count: 1 }]);
    const numeric = await t.client.pools.create({
      ...example,
      apiVersion: 'v1',
      metadata: { ...example.metadata, labels: { ...example.metadata.labels, 'os.modelarts/sharing': 'unshared' } },
      spec: { ...example.spec, masters: [{ az: 'local-1a' }], driver: { updateStrategy: 'idle' } },
    });
    assert.equal(numeric.spec.resources[0]?.count, 1);
    assert.deepEqual([numeric.spec.masters, numeric.spec.driver], [[{ az: 'local-1a' }], { updateStrategy: 'idle' }]);
    assert.deepEqual((await t.client.pools.show(numeric.metadata.name)).spec.masters, [{ az: 'local-1a' }]);
    await assert.rejects(t.client.pools.create(poolBody('numeric', net)), apiFailure(409, 'ModelArts.50015000', 'numeric'));
    await t.client.pools.delete(numeric.metadata.name);
    assert.equal((await t.client.pools.list()).items.length, 0);
    assert.equal(freeCpu(t), freeBefore);
  });

  test('a reservation bigger than what is free now is refused, saying what was asked and what is free', async () => {
    const { localPool } = t.atelier.context;
    const free = localPool.free();
    assert.ok(localPool.reserve('test-hog', { cpu: free.cpu - 0.5, memoryMb: 64 }));
    try {
      await assert.rejects(t.client.pools.create(poolBody('no-room', net)), apiFailure(400, BAD, 'free now'));
      assert.equal((await t.client.pools.list()).items.length, 0);
    } finally {
      localPool.release('test-hog');
    }
  });

  test('growing needs free capacity, shrinking and node deletion need idle nodes; a busy pool is not deleted', async () => {
    const freeBefore = freeCpu(t);
    const id = (await t.client.pools.create(poolBody('resized', net))).metadata.name;
    const grown = await t.client.pools.patch(id, { spec: { resources: [{ flavor: SLICE, count: '2' }] } });
    assert.deepEqual(grown.spec.resources, [{ flavor: SLICE, count: 2 }]);
    assert.equal(freeCpu(t), freeBefore - 2);
    const names = (await t.client.pools.nodes(id)).items.map((n) => n.metadata.name);
    assert.equal(names.length, 2);
    // paging of the nodes
    const first = await t.client.pools.nodes(id, { limit: 1 });
    assert.deepEqual(first.metadata, { continue: '1', remainingItemCount: 1 });
    assert.deepEqual(
      (await t.client.pools.nodes(id, { limit: 1, continue: '1' })).items.map((n) => n.metadata.name),
      [names[1]],
    );

    const bigger = String(t.atelier.context.localPool.capacity.cpu + 1);
    await assert.rejects(t.client.pools.patch(id, { spec: { resources: [{ flavor: SLICE, count: bigger }] } }), apiFailure(400, BAD, 'this host has'));
    if (freeCpu(t) < 1) await assert.rejects(t.client.pools.patch(id, { spec: { resources: [{ flavor: SLICE, count: '3' }] } }), apiFailure(400, BAD));

    // a workload on the pool holds one node (the first fit: node 1)
    const pool = t.atelier.context.pools.get(id)?.pool;
    assert.ok(pool?.reserve('test-job', { cpu: 0.5, memoryMb: 256 }));
    if (!pool) return;
    try {
      const nodes = await t.client.pools.nodes(id);
      assert.equal(nodes.items[0]?.status.availableResources.cpu, '500m');
      await assert.rejects(t.client.pools.delete(id), apiFailure(400, BAD, 'runs workloads'));
      await assert.rejects(t.client.pools.deleteNodes(id, { deleteNodeNames: [names[0] ?? ''] }), apiFailure(400, BAD, 'run workloads'));
      await assert.rejects(t.client.pools.deleteNodes(id, { deleteNodeNames: ['no-such-node'] }), apiFailure(400, BAD, 'no-such-node'));
      await assert.rejects(t.client.pools.deleteNodes(id, { deleteNodeNames: names }), apiFailure(400, BAD, 'one node at least'));
      assert.equal((await t.client.pools.show(id)).spec.resources[0]?.count, 2);
      // the idle node goes; shrinking keeps the busy one
      assert.deepEqual(await t.client.pools.deleteNodes(id, { deleteNodeNames: [names[1] ?? ''] }), {});
      assert.equal((await t.client.pools.show(id)).spec.resources[0]?.count, 1);
      assert.equal(freeCpu(t), freeBefore - 1);
      assert.equal((await t.client.pools.show(id)).status.phase, 'Running');
    } finally {
      pool.release('test-job');
    }
    await t.client.pools.delete(id);
    assert.equal(freeCpu(t), freeBefore);
  });

  test('events: scheduling events of other families land here, repeats count up, filters and paging', async () => {
    const id = (await t.client.pools.create(poolBody('evented', net))).metadata.name;
    const { pools } = t.atelier.context;
    pools.event(id, 'Warning', 'JobQueued', 'training job a waits for 1 core');
    pools.event(id, 'Warning', 'JobQueued', 'training job a waits for 1 core');
    pools.event(id, 'Normal', 'JobPlaced', 'training job a placed');
    const all = await t.client.pools.events({ resource: 'pools', name: id });
    assert.equal(all.items.length, 6, 'four of its own life, three scheduling events in two rows');
    const queued = all.items.find((e) => e.reason === 'JobQueued');
    assert.equal(queued?.count, 2);
    assert.deepEqual(
      (await t.client.pools.events({ resource: 'pools', name: id, type: 'Warning' })).items.map((e) => e.reason),
      ['JobQueued'],
    );
    const page = await t.client.pools.events({ resource: 'pools', name: id, limit: 2 });
    assert.equal(page.items.length, 2);
    assert.equal(page.metadata.remainingItemCount, 4);
    const rest = await t.client.pools.events({ resource: 'pools', name: id, limit: 0, continue: page.metadata.continue ?? '' });
    assert.deepEqual([...page.items, ...rest.items], all.items);
    const future = Math.floor(Date.now() / 1000) + 3600;
    assert.equal((await t.client.pools.events({ resource: 'pools', name: id, since: future })).items.length, 0);
    assert.equal((await t.client.pools.events({ resource: 'pools', name: id, until: future })).items.length, 6);
    await assert.rejects(t.client.pools.events({ resource: 'pools', name: id, since: future, until: 1 }), apiFailure(400, BAD, 'since'));
    await assert.rejects(
      t.client.pools.events({ resource: 'pools', name: id, continue: '00000000-0000-0000-0000-000000000000' }),
      apiFailure(400, BAD, 'continue'),
    );
    const bad = await t.client.http.raw('GET', '/v1/{project_id}/events?resource=jobs&name=x');
    assert.equal(bad.status, 400);
    await t.client.pools.delete(id);
  });

  test("another project's pools are invisible", async () => {
    const id = (await t.client.pools.create(poolBody('mine', net))).metadata.name;
    const other = await t.newTenant('pool-other');
    assert.equal((await other.pools.list()).items.length, 0);
    await assert.rejects(other.pools.show(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.pools.patch(id, {}), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.pools.delete(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.pools.nodes(id), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.pools.deleteNodes(id, { deleteNodeNames: ['x'] }), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.pools.events({ resource: 'pools', name: id }), apiFailure(404, NOT_FOUND));
    assert.deepEqual((await other.pools.statistics()).statistics.status, { creating: 0, created: 0, failed: 0, pending: 0 });
    // nor can another project attach to this project's network
    await assert.rejects(other.pools.create(poolBody('theirs', net)), apiFailure(400, BAD, 'spec.network.name'));
    await t.client.pools.delete(id);
  });

  test('the pool quota is enforced', async () => {
    const id = (await t.client.pools.create(poolBody('quota-0', net))).metadata.name;
    await assert.rejects(t.client.pools.create(poolBody('quota-1', net)), apiFailure(400, BAD, 'quota'));
    await t.client.pools.delete(id);
  });
});

describe('resource pools across a restart', () => {
  test('a pool is Running again with the same nodes, and nothing is booked twice', async () => {
    const t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    try {
      const net = await network(t, 'restart-net', '192.168.1.0/24');
      const id = (await t.client.pools.create(poolBody('kept', net))).metadata.name;
      const nodes = (await t.client.pools.nodes(id)).items.map((n) => n.metadata.name);
      const free = freeCpu(t);
      // a pool a restart caught between its record and its activation
      await t.atelier.context.database.db.updateTable('pools').set({ phase: 'Creating' }).where('id', '=', id).execute();
      await t.atelier.close();

      const { atelier, client } = await restartedApp(t);
      try {
        await atelier.context.reconcilers.runOnce();
        const pool = await client.pools.show(id);
        assert.equal(pool.status.phase, 'Running');
        assert.deepEqual(
          (await client.pools.nodes(id)).items.map((n) => n.metadata.name),
          nodes,
        );
        assert.equal(atelier.context.localPool.free().cpu, free);
        await client.pools.delete(id);
        assert.equal(atelier.context.localPool.free().cpu, free + 1);
      } finally {
        await atelier.close();
      }
    } finally {
      await t.close();
    }
  });

  test('a stored pool the host no longer has room for is Abnormal at start, saying why', { skip: availableParallelism() < 2 }, async () => {
    const t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1', ATELIER_LOCAL_POOL_CPU: '2' });
    try {
      const net = await network(t, 'small-net', '192.168.2.0/24');
      const id = (await t.client.pools.create(poolBody('too-big-later', net, [{ flavor: SLICE, count: '2' }]))).metadata.name;
      await t.atelier.close();
      // the next start gives the public pool one core: the pool's two slices no longer fit
      const atelier = await buildApp({ ...t.config, localPool: { ...t.config.localPool, cpu: 1 } });
      try {
        await atelier.recover();
        const row = await atelier.context.database.db.selectFrom('pools').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(row.phase, 'Abnormal');
        assert.match(row.message ?? '', /not the 2 cores/);
        const events = await atelier.context.database.db
          .selectFrom('pool_events')
          .selectAll()
          .where('pool_id', '=', id)
          .where('type', '=', 'Warning')
          .execute();
        assert.match(events[0]?.message ?? '', /from Running to Abnormal/);
      } finally {
        await atelier.close();
      }
    } finally {
      await t.close();
    }
  });
});
