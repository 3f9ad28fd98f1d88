// Hyperparameter search (policies.auto_search) on the kubernetes executor, against a real API server with the real Job
// controller: each trial is a Job of its own parameters, made once the previous one is gone; its outputs go below its
// own prefix (<output>/.trials/<i>/), its reward is read from worker-0's pod log (served by a stand-in kubelet), and at
// the end the best trial's objects are copied into the output folder beside autosearch/trials.json. A failed trial, a
// search where no trial reports, a terminate mid-search and a restart mid-search end as on the local executor. The
// staging script runs here, with the plan each trial's Secret holds, as the worker and the uploader sidecar would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import S3rver from 's3rver';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { JOB_DIR } from '#src/modules/training-jobs/kube-job-workload.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { stagingSecretName } from '#src/runtime/kubernetes/training-job-staging.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { gridSearchJob } from '../../training-jobs/helpers.ts';
import { registerNode, settlePod, startLogKubelet, type LogKubelet } from './test-kubelet.ts';

const NS = 'atelier-search';
const BUCKET = 'kube-search';

type Job = Awaited<ReturnType<AtelierClient['training']['getJob']>>;

function run(command: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** accuracy peaks at lr = 0.5, as in test/training-jobs/auto-search.test.ts */
const accuracy = (lr: number) => 1 - (lr - 0.5) ** 2;

describe('hyperparameter search on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let s3: S3rver;
  let s3dir: string;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    s3dir = mkdtempSync(join(tmpdir(), 'ksearch-s3rver-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await s3.run()) as { port: number };
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: 'registry.example/atelier-runtime:1',
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
    });
    app = t.atelier;
    client = t.client;
    await app.recover();
    app.startBackground();
    await app.context.objectStore.ensureBucket(BUCKET);
    await app.context.objectStore.put(BUCKET, 'code/train.py', 'print("training")\n');
  });
  after(async () => {
    await app?.close();
    await t?.close();
    await s3?.close();
    if (s3dir) rmSync(s3dir, { recursive: true, force: true });
    await kubelet?.close();
    await kube?.stop();
  });

  const create = async (name: string, values: string[]) => (await client.training.createJob(gridSearchJob(BUCKET, name, values))).metadata.id;
  const podsOf = async (id: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;
  const jobsOf = async (id: string) => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;
  /** The pod of the trial whose worker got --lr=<lr> (each trial's Job is made with its own parameters). */
  const trialPod = (id: string, lr: string) =>
    until(`the pod of the trial lr=${lr}`, async () => {
      const pods = await podsOf(id);
      return pods.find((p) => !p.metadata?.deletionTimestamp && p.spec?.containers[0]?.command?.includes(`--lr=${lr}`));
    });
  const waitJob = (id: string, done: (j: Job) => boolean, c = () => client): Promise<Job> => {
    let last: Job | undefined;
    return until(
      () => `job ${id} (last ${last?.status.phase}/${last?.status.secondary_phase})`,
      async () => {
        last = await c().training.getJob(id);
        return done(last) ? last : undefined;
      },
      60_000,
    );
  };
  const keys = async (prefix: string) => (await app.context.objectStore.list(BUCKET, { prefix })).objects.map((o) => o.key);

  /**
   * Runs one trial's pod as the cluster would: the worker (its command replaced by one writing model.txt) hands its
   * outputs to the uploader with the plan of the trial's Secret; the pod's log is what the stand-in kubelet serves.
   */
  async function runTrial(id: string, lr: string, outcome: { code: number; log: string }): Promise<{ outputKey: string }> {
    const pod = await trialPod(id, lr);
    const name = pod.metadata!.name!;
    const secret = await core.readNamespacedSecret({ name: stagingSecretName(id), namespace: NS });
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const plan = JSON.parse(data('plan.json')) as { outputs: { key: string }[] };
    const dir = mkdtempSync(join(tmpdir(), 'ksearch-stage-'));
    try {
      const exchange = join(dir, 'exchange');
      mkdirSync(exchange);
      for (const f of ['plan.json', 'store.json', 'stage.py']) writeFileSync(join(dir, f), data(f).replaceAll(JOB_DIR, join(dir, 'job')));
      const out = join(dir, 'job/outputs/train_url');
      mkdirSync(out, { recursive: true });
      const uploader = spawn('python3', [join(dir, 'stage.py'), 'out', join(dir, 'plan.json'), exchange], { stdio: 'ignore' });
      try {
        const worker = await run('python3', [
          join(dir, 'stage.py'),
          'handoff',
          exchange,
          '--',
          'sh',
          '-c',
          `echo lr=${lr} > ${out}/model.txt; exit ${outcome.code}`,
        ]);
        assert.equal(worker.status, outcome.code, worker.stderr);
      } finally {
        // The sidecar stays until the pod stops it.
        uploader.kill('SIGTERM');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    kubelet.logs.set(`${NS}/${name}/worker`, outcome.log);
    await settlePod(core, NS, name, { kind: 'running' });
    await settlePod(core, NS, name, { kind: 'exited', code: outcome.code });
    return { outputKey: plan.outputs[0]!.key };
  }
  const trialLog = (lr: number) => `epoch 1 accuracy=${(accuracy(lr) / 2).toFixed(4)}\nepoch 2 accuracy=${accuracy(lr).toFixed(4)}\n`;

  it('grid search: each trial a Job of its parameters, the best (trial 2) kept in the output with trials.json', async () => {
    const id = await create('grid', ['0.1', '0.5', '0.9']);
    for (const [i, lr] of ['0.1', '0.5', '0.9'].entries()) {
      const { outputKey } = await runTrial(id, lr, { code: 0, log: trialLog(Number(lr)) });
      assert.equal(outputKey, `out/grid/.trials/${i}/`, "the trial's outputs go below its own prefix");
      assert.equal((await jobsOf(id)).length, 1, 'one Job at a time');
    }
    const done = await waitJob(id, (j) => j.status.phase === 'Completed' || j.status.phase === 'Failed');
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.equal(done.status.secondary_phase, 'Completed');
    assert.equal(done.status.task_statuses?.[0]?.message, 'best trial 2 of 3: lr=0.5 accuracy=1');
    assert.equal(await app.context.objectStore.readText(BUCKET, 'out/grid/model.txt', 100), 'lr=0.5\n');
    const report = JSON.parse(await app.context.objectStore.readText(BUCKET, 'out/grid/autosearch/trials.json', 100_000)) as {
      trials: { trial: number; parameters: Record<string, string>; reward: number; exit_code: number }[];
      best: { trial: number };
    };
    assert.deepEqual(
      report.trials.map((r) => [r.parameters.lr, r.reward, r.exit_code]),
      [
        ['0.1', 0.84, 0],
        ['0.5', 1, 0],
        ['0.9', 0.84, 0],
      ],
    );
    assert.equal(report.best.trial, 1);
    assert.deepEqual(await keys('out/grid/'), ['out/grid/autosearch/trials.json', 'out/grid/model.txt'], 'the trial prefixes are gone');
    await until('the Job to go', async () => ((await jobsOf(id)).length === 0 ? true : undefined));
    const log = (await client.training.logPreview(id)).content;
    assert.match(log, /grid_search trial 3\/3: lr=0\.9/);
    assert.match(log, /trial 2: exit 0, accuracy=1/);
    assert.match(log, /epoch 2 accuracy=1\.0000/, "each trial's pod log is kept in the task's log");
  });

  it('a failed trial counts as no reward; a search where no trial reports fails and leaves no trial outputs', async () => {
    const mixed = await create('mixed', ['0.1', '0.5']);
    await runTrial(mixed, '0.1', { code: 3, log: 'crashed\n' });
    await runTrial(mixed, '0.5', { code: 0, log: trialLog(0.5) });
    const done = await waitJob(mixed, (j) => j.status.phase === 'Completed' || j.status.phase === 'Failed');
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.equal(done.status.task_statuses?.[0]?.message, 'best trial 2 of 2: lr=0.5 accuracy=1');
    const report = JSON.parse(await app.context.objectStore.readText(BUCKET, 'out/mixed/autosearch/trials.json', 100_000)) as {
      trials: { reward: number | null; exit_code: number }[];
    };
    assert.deepEqual(
      report.trials.map((r) => [r.exit_code, r.reward]),
      [
        [3, null],
        [0, 1],
      ],
    );

    const none = await create('none', ['0.1', '0.5']);
    await runTrial(none, '0.1', { code: 1, log: 'crashed\n' });
    await runTrial(none, '0.5', { code: 0, log: 'no metric printed\n' });
    const failed = await waitJob(none, (j) => j.status.phase === 'Completed' || j.status.phase === 'Failed');
    assert.equal(failed.status.phase, 'Failed', JSON.stringify(failed.status));
    assert.equal(failed.status.task_statuses?.[0]?.message, 'no trial of 2 reported accuracy');
    assert.deepEqual(await keys('out/none/'), [], "the second trial's upload is removed");
  });

  it('terminate mid-search: the running trial is stopped, no further trial is made, Terminated', async () => {
    const id = await create('stopped', ['0.1', '0.5', '0.9']);
    await runTrial(id, '0.1', { code: 0, log: trialLog(0.1) });
    const pod = await trialPod(id, '0.5');
    await settlePod(core, NS, pod.metadata!.name!, { kind: 'running' });
    await waitJob(id, (j) => j.status.secondary_phase === 'Running');
    await client.training.terminateJob(id);
    const terminated = await waitJob(id, (j) => j.status.phase === 'Terminated' || j.status.phase === 'Failed' || j.status.phase === 'Completed');
    assert.equal(terminated.status.phase, 'Terminated', JSON.stringify(terminated.status));
    assert.equal(terminated.status.secondary_phase, 'Terminated');
    await until('the Job to go', async () => ((await jobsOf(id)).length === 0 ? true : undefined));
    // Given time to make one, no third trial's Job comes.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await jobsOf(id)).length, 0);
    assert.ok(!(await podsOf(id)).some((p) => p.spec?.containers[0]?.command?.includes('--lr=0.9')), 'trial 3 never ran');
    assert.deepEqual(await keys('out/stopped/'), [], "the first trial's outputs are removed");
  });

  it('restart mid-search: the search fails saying why, and its Job is removed', async () => {
    const id = await create('restart', ['0.1', '0.5']);
    const pod = await trialPod(id, '0.1');
    await settlePod(core, NS, pod.metadata!.name!, { kind: 'running' });
    await waitJob(id, (j) => j.status.secondary_phase === 'Running');
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    const failed = await waitJob(id, (j) => j.status.phase === 'Failed' || j.status.phase === 'Completed');
    assert.equal(failed.status.phase, 'Failed');
    assert.equal(failed.status.task_statuses?.[0]?.message, 'the server stopped during the hyperparameter search');
    await until('the Job to go', async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  });
});
