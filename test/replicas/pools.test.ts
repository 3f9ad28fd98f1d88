// Dedicated pools across replicas: a pool made through one replica takes work through another at once; a pool whose
// work runs on another replica is not deleted; once deleted through one replica, the others refuse it; a scope change
// made through one replica holds on the others; and each replica's loop registers pools the others made. Runs on
// SQLite and PostgreSQL: two servers on one database and one data directory, only the second running background work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually } from '../models/fixtures.ts';
import { CPU1, PY_ENGINE, ended, phaseIs, putCode, waitForJob } from '../training-jobs/helpers.ts';

const SLICE = 'modelarts.vm.cpu.1u';

const poolBody = (name: string, network: string) => ({
  apiVersion: 'v2' as const,
  kind: 'Pool' as const,
  metadata: { labels: { 'os.modelarts/name': name, 'os.modelarts/workspace.id': '0' } },
  spec: { type: 'Dedicate' as const, scope: ['Train' as const], network: { name: network }, resources: [{ flavor: SLICE, count: 1 }] },
});

describe('dedicated pools across replicas', () => {
  let t: TestApp;
  let other: AtelierApp;
  let viaOther: AtelierClient;
  let net: string;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1', ATELIER_POOL_QUOTA: '5' });
    other = await buildApp(t.config);
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    other.startBackground();
    const url = `http://127.0.0.1:${(other.app.server.address() as AddressInfo).port}`;
    viaOther = new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id });
    const n = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'replica-net' } },
      spec: { cidr: '192.168.10.0/24' },
    });
    net = n.metadata.name;
    code = putCode(t, 'replica-pools/code', 'sleep.py', 'import sys, time\ntime.sleep(float(sys.argv[1].split("=")[1]))\n');
  });
  after(async () => {
    await other.close();
    await t.close();
  });

  const job = (client: AtelierClient, name: string, pool: string, seconds = 60) =>
    client.training.createJob({
      metadata: { name },
      algorithm: { ...code, engine: { engine_id: PY_ENGINE }, parameters: [{ name: 'sleep', value: String(seconds) }] },
      spec: { resource: { flavor_id: CPU1, node_count: 1, pool_id: pool } },
    });

  test('a pool made through one replica runs work through the other, and is deleted only once that work is over', async () => {
    const pool = (await t.client.pools.create(poolBody('made-on-one', net))).metadata.name;
    const id = (await job(viaOther, 'in-shared-pool', pool)).metadata.id;
    const running = await waitForJob(viaOther, id, phaseIs('Running'));
    assert.equal(running.spec?.resource?.pool_id, pool);
    assert.equal(t.atelier.context.pools.get(pool)?.pool.holdings().length ?? 0, 0, 'the first replica holds nothing of it');

    // The first replica runs nothing in the pool, but the records say the job placed through the other runs there.
    await assert.rejects(t.client.pools.delete(pool), apiFailure(400, 'ModelArts.50004000', `train in-shared-pool (${id}, Running)`));
    assert.equal((await viaOther.pools.show(pool)).status.phase, 'Running');

    await t.client.training.terminateJob(id);
    await waitForJob(viaOther, id, ended);
    assert.equal((await t.client.pools.delete(pool)).status.phase, 'Deleting');
    await assert.rejects(job(viaOther, 'after-delete', pool), apiFailure(400, 'ModelArts.0104', `no resource pool ${pool} exists`));
    assert.equal(other.context.pools.get(pool), undefined, 'the other replica dropped it');
  });

  test('a scope change through one replica holds on the other; its loop registers pools the first made', async () => {
    const pool = (await t.client.pools.create(poolBody('scoped', net))).metadata.name;
    await eventually('the loop registers it', async () => other.context.pools.get(pool));
    await t.client.pools.patch(pool, { spec: { scope: ['Infer'] } });
    await assert.rejects(job(viaOther, 'wrong-scope', pool), apiFailure(400, 'ModelArts.0104', 'admits Infer, not Train'));
    // Workload statistics know only the pools of the registry (404 otherwise): the other replica answers too.
    await assert.doesNotReject(viaOther.poolWorkloads.statistics(pool), 'the other replica knows the pool');
    await t.client.pools.delete(pool);
    await eventually('the loop drops it', async () => (other.context.pools.get(pool) ? undefined : true));
  });
});
