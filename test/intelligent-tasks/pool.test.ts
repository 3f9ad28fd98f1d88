// An intelligent task placed in a dedicated pool (config.pool_id): its learner holds its share of
// that pool and ListWorkloads shows it as training work while it runs and after it ends; flavor sets
// the share. A pool that is not the project's, or that does not admit the work, is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { WorkloadList } from '#src/modules/pool-workloads/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, putFile } from '../datasets/fixtures.ts';
import { generator, sentence, taskDone, TOPIC_NAMES } from './fixtures.ts';

describe('intelligent tasks in a dedicated pool', () => {
  let t: TestApp;
  let texts: string;
  let pool: string;

  before(async () => {
    t = await startTestApp({ ATELIER_LEARNER_PAUSE_S: '2' });
    t.atelier.startBackground();
    const rand = generator(9);
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(sentence(TOPIC_NAMES[i % 3]!, rand, i));
    putFile(t, '/ipool/txt/set.txt', lines.join('\n') + '\n');
    texts = (await t.client.datasets.create(createBody('ipool', '/ipool/txt/', '/ipool/work/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, texts);
    const network = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'ipool-net' } },
      spec: { cidr: '192.168.0.0/24' },
    });
    pool = (
      await t.client.pools.create({
        apiVersion: 'v2',
        kind: 'Pool',
        metadata: { labels: { 'os.modelarts/name': 'ipool' } },
        spec: { type: 'Dedicate', scope: ['Train'], network: { name: network.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.2u', count: '1' }] },
      })
    ).metadata.name;
  });
  after(() => t.close());

  test('the learner runs in the pool and is listed as its training work', async () => {
    const { task_id } = await t.client.intelligentTasks.create(texts, {
      task_type: 'auto-grouping',
      config: { n_clusters: 3, pool_id: pool, flavor: { code: 'modelarts.vm.cpu.2u' }, name: 'grouping-in-pool' },
    });
    const running = await eventually(
      'the learner in the pool',
      () => t.client.poolWorkloads.list(pool),
      (l) => l.items.some((w) => w.jobUUID === task_id && w.status === 'Running' && w.hostIps !== ''),
      30_000,
    );
    assert.ok(Value.Check(WorkloadList, running), JSON.stringify([...Value.Errors(WorkloadList, running)].slice(0, 3)));
    const w = running.items.find((i) => i.jobUUID === task_id)!;
    assert.deepEqual([w.type, w.jobName, w.flavor, w.resourceRequirement.cpu], ['train', 'grouping-in-pool', 'modelarts.vm.cpu.2u', '2']);
    const held = t.atelier.context.pools
      .get(pool)!
      .pool.holdings()
      .find((h) => h.key === `intelligent-task-${task_id}`);
    assert.equal(held?.holder?.kind, 'labeling task');
    assert.equal(
      t.atelier.context.pools.publicPool.holdings().find((h) => h.key === `intelligent-task-${task_id}`),
      undefined,
      'not in the public pool',
    );
    const done = await taskDone(t.client, texts, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.config.pool_id, pool);
    const after = await t.client.poolWorkloads.list(pool);
    assert.equal(after.items.find((i) => i.jobUUID === task_id)?.status, 'Completed');
  });

  test('refused: a pool that is not there, one that does not admit the work, a flavor this host lacks', async () => {
    await assert.rejects(
      t.client.intelligentTasks.create(texts, { task_type: 'auto-grouping', config: { n_clusters: 3, pool_id: 'pool-nope' } }),
      apiFailure(400, 'ModelArts.4396', 'pool_id'),
    );
    await assert.rejects(
      t.client.intelligentTasks.create(texts, { task_type: 'pre-label', model_id: 'm', config: { pool_id: pool } }),
      apiFailure(400, 'ModelArts.4396', 'pool_id'),
    );
    await assert.rejects(
      t.client.intelligentTasks.create(texts, { task_type: 'auto-grouping', config: { n_clusters: 3, flavor: { code: 'modelarts.vm.gpu.p4' } } }),
      apiFailure(400, 'ModelArts.4396', 'flavor.code'),
    );
    const other = await t.newTenant('ipool-other');
    await assert.rejects(other.poolWorkloads.list(pool), apiFailure(404, 'ModelArts.50015001'));
  });
});
