// A training job on the kubernetes executor seen through two replicas on one database: replica A admits and follows
// the job, replica B only answers the API. While the job runs, B's preview shows the pod's live log; once it ended,
// and after A is closed and its data directory deleted, B answers the preview, the signed download (A's link too),
// the metrics (the samples A took from the metrics API and the metrics the script printed) and the exported log as A
// did. Deleting the job through B removes what was kept of it.
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { WORKER_CONTAINER } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { STAGING_INIT_CONTAINER } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { PY_ENGINE } from '../../training-jobs/helpers.ts';
import { startAtelierOnCluster, startSecondReplica, type AtelierOnCluster, type ReplicaOnCluster } from './atelier-on-cluster.ts';
import { registerMetricsApi, writePodMetrics } from './metrics-api.ts';
import { registerNode, settlePod, startLogKubelet, type LogKubelet } from './test-kubelet.ts';

const NS = 'atelier-replica-logs';
const BUCKET = 'replica-logs';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

type Job = Awaited<ReturnType<AtelierClient['training']['getJob']>>;

describe('a kube training job’s logs and metrics through any replica', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let onCluster: AtelierOnCluster;
  /** Replica B: answers the API, runs no background work. */
  let b: TestApp;
  /** Replica A: its own data directory, admits and follows the job. */
  let a: ReplicaOnCluster | undefined;
  let viaA: AtelierClient;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    kubelet = await startLogKubelet(kube.dir);
    // Replicas share the master key (deploy/kubernetes passes it by Secret).
    onCluster = await startAtelierOnCluster(kube, NS, 'registry.example/atelier-runtime:1', { ATELIER_MASTER_KEY: MASTER_KEY }, { background: false });
    b = onCluster.t;
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    a = await startSecondReplica(b, 'replica-logs-a-');
    viaA = a.client;
    const objects = b.atelier.context.objectStore;
    await objects.ensureBucket(BUCKET);
    await objects.put(BUCKET, 'code/train.py', 'print("training")\n');
  });
  after(async () => {
    await a?.close();
    await onCluster?.close();
    await kubelet?.close();
    await kube?.stop();
  });

  const podOf = (id: string) =>
    until(
      `the pod of ${id}`,
      async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items[0],
      60_000,
    );
  const waitJob = (c: AtelierClient, id: string, done: (j: Job) => boolean) =>
    until(
      `job ${id}`,
      async () => {
        const j = await c.training.getJob(id);
        return done(j) ? j : undefined;
      },
      60_000,
    );
  const download = async (url: string) => {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    const body = await res.text();
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(body)));
    return body;
  };
  const keptRows = async (id: string) =>
    Number(
      (
        await b.atelier.context.database.db
          .selectFrom('training_job_logs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('job_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('B shows the live log, then the kept log, download, metrics and export as A did, after A is gone; delete removes them', async () => {
    const { metadata } = await viaA.training.createJob({
      kind: 'job',
      metadata: { name: 'replica-logs' },
      algorithm: {
        code_dir: `/${BUCKET}/code/`,
        boot_file: `/${BUCKET}/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/out/` } } }],
      },
      spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 }, log_export_path: { obs_url: `/${BUCKET}/exported/` } },
    });
    const id = metadata.id;
    const pod: V1Pod = await podOf(id);
    const name = pod.metadata!.name!;
    await settlePod(core, NS, name, { kind: 'running' });
    await waitJob(b.client, id, (j) => j.status.secondary_phase === 'Running');

    // Running: B reads the pod's log live, though A follows the job.
    kubelet.logs.set(`${NS}/${name}/${STAGING_INIT_CONTAINER}`, 'staged code/train.py\n');
    kubelet.logs.set(`${NS}/${name}/${WORKER_CONTAINER}`, 'training\nepoch=1 loss=0.5\nepoch=2 loss=0.25\n');
    const live = (await b.client.training.logPreview(id, 'worker-0')).content;
    assert.match(live, /\[ModelArts Service Log\].*creating Job[^]*staged code\/train\.py\ntraining\nepoch=1 loss=0\.5\nepoch=2 loss=0\.25\n$/);
    assert.equal(live, (await viaA.training.logPreview(id, 'worker-0')).content);

    // A samples the pod from the metrics API; B shows the samples.
    await registerMetricsApi(kube.kc, NS);
    await writePodMetrics(kube.kc.makeApiClient(CustomObjectsApi), await core.readNamespacedPod({ name, namespace: NS }), [{ cpu: '500m', memory: '1Gi' }]);
    await until(
      'a sample through B',
      async () => {
        const m = await b.client.training.metrics(id, 'worker-0');
        return m.time_series.items.find((s) => s.metric === 'cpuUsage')!.value.some((v) => v === 50) ? true : undefined;
      },
      20_000,
    );

    await settlePod(core, NS, name, { kind: 'exited', code: 0 });
    await waitJob(b.client, id, (j) => j.status.phase === 'Completed');
    // A copies the pod logs and exports them once the job is recorded Completed: wait for the export.
    const exportKey = `exported/modelarts-job-${id}-worker-0.log`;
    const exported = await until(
      'the exported log',
      async () => {
        const got = await b.atelier.context.objectStore
          .get(BUCKET, exportKey)
          .then((body) => text(body))
          .catch(() => undefined);
        return got?.includes('every node exited 0') ? got : undefined;
      },
      20_000,
    );

    const seenByA = {
      preview: await viaA.training.logPreview(id, 'worker-0'),
      metrics: await viaA.training.metrics(id, 'worker-0'),
      link: (await viaA.training.logUrl(id, 'worker-0', 'text/plain')).obs_url,
    };
    assert.match(seenByA.preview.content, /staged code\/train\.py\ntraining\nepoch=1 loss=0\.5\nepoch=2 loss=0\.25\n[^]*every node exited 0/);
    const downloadedFromA = await download(seenByA.link);
    assert.equal(downloadedFromA, seenByA.preview.content);
    assert.equal(exported, seenByA.preview.content);

    // A goes, with its data directory.
    await a!.close();

    const preview = await b.client.training.logPreview(id, 'worker-0');
    assert.deepEqual(preview, seenByA.preview);
    assert.equal(preview.current_size, Buffer.byteLength(preview.content));
    assert.equal(await download((await b.client.training.logUrl(id, 'worker-0', 'text/plain')).obs_url), preview.content);
    // A's link, sent to B: the replicas sign with the same key.
    assert.equal(await download(seenByA.link.replace(/^http:\/\/[^/]+/, b.url)), preview.content);
    const metrics = await b.client.training.metrics(id, 'worker-0');
    assert.deepEqual(metrics, seenByA.metrics);
    assert.deepEqual(metrics.log_metrics, [
      { metric: 'epoch', every: 1, value: [1, 2] },
      { metric: 'loss', every: 1, value: [0.5, 0.25] },
    ]);
    assert.ok(metrics.metrics.find((s) => s.metric === 'cpuUsage')!.value.includes(50), JSON.stringify(metrics.metrics));

    assert.ok((await keptRows(id)) > 0);
    await b.client.training.deleteJob(id);
    assert.equal(await keptRows(id), 0, 'the delete removes the kept log and samples');
  });
});
