// Two `atelier serve` processes on one database and the kubernetes executor, both with their reconcilers, contending
// for a hyperparameter search: exactly one holds the job's lease and drives its trials (each trial's Job made once,
// each trial's start said once in the job's log), the other leaves it alone while that lease is live. Killed with
// SIGKILL, the driver cannot hand over; once its lease expired the other replica takes the job and ends it failed, as a
// restart does (the trial loop lived in the dead process), deleting the trial's Job and making no trial again. A third
// Atelier in this process answers the API only and reads the database. A driver that lost the lease while it was alive
// (it could not renew it in time) makes no further trial: the lease's new holder ends the search.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../../helpers/app.ts';
import { freePort, kubeTestServerSkip, until, type KubeTestServer } from '../../helpers/kube.ts';
import { gridSearchJob } from '../../training-jobs/helpers.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { startTestCluster, type TestCluster } from './test-cluster.ts';
import { settlePod, type LogKubelet } from './test-kubelet.ts';

const NS = 'atelier-search-lease';
const BUCKET = 'search-lease';
const IMAGE = 'registry.example/atelier-runtime:1';
const BIN = join(import.meta.dirname, '../../../bin/atelier.mjs');
const MASTER_KEY = Buffer.alloc(32, 5).toString('base64');
/** --reconcile-lease: the lease lasts max(3 s, two reconcile periods of 2 s) = 4 s. */
const LEASE_S = 3;

interface Replica {
  port: number;
  child: ChildProcess;
  output: string;
  client: AtelierClient;
}

describe('two replicas contending for a hyperparameter search’s lease', { skip: kubeTestServerSkip() }, () => {
  let cluster: TestCluster | undefined;
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let onCluster: AtelierOnCluster;
  /** Answers the API only; its database is the replicas'. */
  let c: TestApp;
  const replicas: Replica[] = [];
  /** The replica left after the first test. */
  let survivor: Replica | undefined;
  const dirs: string[] = [];

  async function startReplica(): Promise<Replica> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'search-lease-'));
    dirs.push(dir);
    const store = c.config.objectStore;
    assert.equal(store.kind, 's3');
    const env = {
      ...process.env,
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: c.config.kube.configPath,
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: IMAGE,
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: store.kind === 's3' ? (store.endpoint ?? '') : '',
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
      ATELIER_DATABASE_URL: c.config.databaseUrl,
      ATELIER_DATA_DIR: dir,
      ATELIER_MASTER_KEY: MASTER_KEY,
      ATELIER_RECONCILE_LEASE: String(LEASE_S),
      ATELIER_LOG_LEVEL: 'warn',
      ATELIER_PORT: String(port),
    };
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = `http://127.0.0.1:${port}`;
    const r: Replica = {
      port,
      child,
      output: '',
      client: new AtelierClient(url, { kind: 'aksk', ak: c.creds.ak, sk: c.creds.sk, projectId: c.creds.project_id }),
    };
    child.stdout?.on('data', (d: Buffer) => (r.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (r.output += d.toString()));
    replicas.push(r);
    await until(
      () => `replica on ${port} to answer /health: ${r.output}`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`replica on ${port} exited: ${r.output}`);
        return (await fetch(`${url}/health`)
          .then((res) => res.status === 200)
          .catch(() => false))
          ? true
          : undefined;
      },
      60_000,
    );
    return r;
  }

  before(async () => {
    cluster = await startTestCluster();
    ({ kube, kubelet, core } = cluster);
    onCluster = await startAtelierOnCluster(
      kube,
      NS,
      IMAGE,
      { ATELIER_MASTER_KEY: MASTER_KEY, ATELIER_RECONCILE_LEASE: String(LEASE_S) },
      { background: false },
    );
    c = onCluster.t;
    await c.atelier.context.objectStore.ensureBucket(BUCKET);
    await c.atelier.context.objectStore.put(BUCKET, 'code/train.py', 'print("training")\n');
    await startReplica();
    await startReplica();
  });
  after(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await onCluster?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await cluster?.stop();
  });

  const jobsOf = (id: string) => cluster!.jobsOf(NS, 'training-job', id);
  const podsOf = (id: string) => cluster!.podsOf(NS, 'training-job', id);
  const lease = (id: string) => c.atelier.context.database.db.selectFrom('leases').selectAll().where('name', '=', `training-job:${id}`).executeTakeFirst();
  const trialOf = (p: V1Pod) => /--lr=([0-9.]+)/.exec(p.spec?.containers[0]?.command?.join(' ') ?? '')?.[1];
  const trialPod = (id: string, lr: string) =>
    until(`the pod of the trial lr=${lr}`, async () => (await podsOf(id)).find((p) => !p.metadata?.deletionTimestamp && trialOf(p) === lr));

  const create = async (via: Replica, name: string) => (await via.client.training.createJob(gridSearchJob(BUCKET, name, ['0.1', '0.5', '0.9']))).metadata.id;
  /** Every trial Job the cluster had of a job, by uid, with its parameter. */
  const recorder = (id: string) => {
    const made = new Map<string, string | undefined>();
    const record = async () => {
      for (const j of await jobsOf(id)) made.set(j.metadata!.uid!, /--lr=([0-9.]+)/.exec(j.spec?.template.spec?.containers[0]?.command?.join(' ') ?? '')?.[1]);
    };
    return { made, record };
  };

  it('one replica drives the search; after it is killed and its lease expired, the other fails it and runs no trial again', async () => {
    const id = await create(replicas[0]!, 'contended');
    const { made, record } = recorder(id);
    const held = await until('the lease of the search', async () => (await lease(id))?.owner);
    const driver = replicas.find((r) => held.endsWith(`:${r.port}`))!;
    const other = replicas.find((r) => r !== driver)!;
    assert.ok(driver, `the lease is held by one of the two replicas (${held})`);

    // Trial 1 ends with its reward; trial 2's Job is made once, by the driver.
    const pod1 = await trialPod(id, '0.1');
    await record();
    kubelet.logs.set(`${NS}/${pod1.metadata!.name!}/worker`, 'accuracy=0.84\n');
    await settlePod(core, NS, pod1.metadata!.name!, { kind: 'running' });
    await settlePod(core, NS, pod1.metadata!.name!, { kind: 'exited', code: 0 });
    const pod2 = await trialPod(id, '0.5');
    await settlePod(core, NS, pod2.metadata!.name!, { kind: 'running' });
    // Both replicas reconcile meanwhile (every 2 s): the other leaves the search to the lease's holder.
    for (let i = 0; i < 6; i++) {
      await record();
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await lease(id))?.owner, held, 'the lease stays with the driver');
      assert.equal((await c.client.training.getJob(id)).status.phase, 'Running');
    }
    assert.deepEqual([...made.values()], ['0.1', '0.5'], 'each trial Job made once');
    const log = (await c.client.training.logPreview(id, 'worker-0')).content;
    for (const trial of ['trial 1/3: lr=0.1', 'trial 2/3: lr=0.5']) assert.equal(log.split(trial).length - 1, 1, `"${trial}" said once:\n${log}`);

    // Killed: no hand-over. The other waits for the lease to expire, then ends the search.
    driver.child.kill('SIGKILL');
    const killedAt = Date.now();
    const failed = await until(
      'the search failed by the other replica',
      async () => {
        await record();
        const j = await other.client.training.getJob(id);
        return j.status.phase === 'Failed' ? j : undefined;
      },
      60_000,
    );
    const tookOverAfter = Date.now() - killedAt;
    const ttl = Math.max(LEASE_S * 1000, 4000);
    // The lease was renewed at most a third of its time before the kill.
    assert.ok(tookOverAfter >= (ttl * 2) / 3 - 500, `taken over ${tookOverAfter} ms after the kill, before the lease could expire`);
    assert.match(JSON.stringify(failed.status), /the server stopped during the hyperparameter search/);
    await until('the trial Job to go', async () => ((await jobsOf(id)).length === 0 ? true : undefined));
    assert.deepEqual([...made.values()], ['0.1', '0.5'], 'no trial made again after the takeover');
    const after = (await c.client.training.logPreview(id, 'worker-0')).content;
    assert.equal(after.split('trial 3/3').length - 1, 0, 'trial 3 never started');
    assert.equal(after.split('trial 2/3: lr=0.5').length - 1, 1);
    assert.notEqual((await lease(id))?.owner, held, 'the dead replica no longer holds it');
    survivor = other;
  });

  it('a driver that lost the lease (it could not renew it in time) makes no further trial; the new holder ends the search', async () => {
    assert.ok(survivor, 'the first test left a replica');
    const id = await create(survivor, 'lost-lease');
    const { made, record } = recorder(id);
    const held = await until('the lease of the search', async () => (await lease(id))?.owner);
    assert.ok(held.endsWith(`:${survivor.port}`));
    const pod1 = await trialPod(id, '0.1');
    await settlePod(core, NS, pod1.metadata!.name!, { kind: 'running' });
    await record();
    // What a replica stalled past its lease's time finds: another holds the lease, for some seconds more.
    const now = Date.now();
    await c.atelier.context.database.db
      .updateTable('leases')
      .set({ owner: 'elsewhere:1', expires_at: now + 12_000, updated_at: now })
      .where('name', '=', `training-job:${id}`)
      .execute();
    kubelet.logs.set(`${NS}/${pod1.metadata!.name!}/worker`, 'accuracy=0.84\n');
    await settlePod(core, NS, pod1.metadata!.name!, { kind: 'exited', code: 0 });
    await until('the lost lease said in the log', async () =>
      (await c.client.training.logPreview(id, 'worker-0')).content.includes('another replica holds the hyperparameter search now') ? true : undefined,
    );
    // Once that lease expired, a reconciler takes the search and ends it, as after a restart.
    const failed = await until(
      'the search failed',
      async () => {
        await record();
        const j = await c.client.training.getJob(id);
        return j.status.phase === 'Failed' ? j : undefined;
      },
      60_000,
    );
    assert.match(JSON.stringify(failed.status), /the server stopped during the hyperparameter search/);
    assert.ok(Date.now() >= now + 12_000, 'not before the lease expired');
    assert.deepEqual([...made.values()], ['0.1'], 'no second trial was made');
    assert.equal((await c.client.training.logPreview(id, 'worker-0')).content.split('trial 2/3').length - 1, 0);
  });
});
