import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
});
after(() => t.close());

test('a network a pool attaches to is not deleted; once the pool is gone it is', async () => {
  const net = (
    await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'in-use' } },
      spec: { cidr: '192.168.3.0/24' },
    })
  ).metadata.name;
  const pool = await t.client.pools.create({
    apiVersion: 'v2',
    kind: 'Pool',
    metadata: { labels: { 'os.modelarts/name': 'on-net' } },
    spec: { type: 'Dedicate', scope: ['Train'], network: { name: net }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }] },
  });
  await assert.rejects(t.client.networks.delete(net), apiFailure(400, 'ModelArts.50004000', pool.metadata.name));
  assert.equal((await t.client.networks.show(net)).status.phase, 'Active');
  await t.client.pools.delete(pool.metadata.name);
  await t.client.networks.delete(net);
});
