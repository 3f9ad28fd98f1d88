// Live task logs on the kubernetes executor. The reading and merging of a task's pod logs is checked with a stubbed
// reader; through the API, a running job's preview asks the API server for its pod's log, which the API server proxies
// to the node's kubelet (here test-kubelet's log server): a container log it does not have still leaves a 200 preview,
// with the service lines and a line saying why; the logs it has appear in the preview, staging first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiException, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import S3rver from 's3rver';
import { loadK8s } from '#src/runtime/kubernetes/k8s.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { podOfTask, readLogEnd, readTaskPodLog, tailText, type PodLogReader } from '#src/runtime/kubernetes/pod-logs.ts';
import { COMPLETION_INDEX_ANNOTATION, WORKER_CONTAINER } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { STAGING_INIT_CONTAINER } from '#src/runtime/kubernetes/training-job-staging.ts';
import { apiFailure, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { PY_ENGINE } from '../../training-jobs/helpers.ts';
import { registerNode, selectLog, settlePod, startLogKubelet, type LogKubelet } from './test-kubelet.ts';

const pod = (name: string, index: number, created: string): V1Pod => ({
  metadata: { name, creationTimestamp: new Date(created), annotations: { [COMPLETION_INDEX_ANNOTATION]: String(index) } },
});

describe('reading a task’s pod logs', () => {
  // The reading tells the client's ApiException by its class, which the executor loads (k8s.ts).
  before(() => loadK8s());
  const pods = [pod('job-0-old', 0, '2026-01-01T00:00:00Z'), pod('job-0-new', 0, '2026-01-01T00:01:00Z'), pod('job-1-a', 1, '2026-01-01T00:00:00Z')];

  it('reads the newest pod of the task, each container in order, each cut to the limit', async () => {
    const calls: string[] = [];
    const read: PodLogReader = async (p, c, limit) => {
      calls.push(`${p}/${c}/${limit}`);
      return c === 'stage-in' ? 'staged 3 files' : 'epoch 1\nepoch 2\n';
    };
    const text = await readTaskPodLog(pods, 0, ['stage-in', 'worker'], read, 1000, '[svc]');
    assert.equal(text, 'staged 3 files\nepoch 1\nepoch 2\n');
    assert.deepEqual(calls.sort(), ['job-0-new/stage-in/1000', 'job-0-new/worker/1000']);
    assert.equal(podOfTask(pods, 1)?.metadata?.name, 'job-1-a');
  });

  it('says in a line which container cannot be read and why, keeping the others', async () => {
    const read: PodLogReader = async (_p, c) => {
      if (c === 'worker') throw new ApiException(400, 'Bad Request', JSON.stringify({ kind: 'Status', message: 'container "worker" is waiting to start' }), {});
      return 'staged\n';
    };
    const text = await readTaskPodLog(pods, 0, ['stage-in', 'worker'], read, 1000, '[svc]');
    assert.equal(
      text,
      'staged\n[svc] the live log of worker in pod job-0-new cannot be read from the cluster: HTTP 400 container "worker" is waiting to start\n',
    );
  });

  it('says when the task has no pod yet', async () => {
    const text = await readTaskPodLog(pods, 2, ['worker'], () => Promise.reject(new Error('not called')), 1000, '[svc]');
    assert.match(text, /^\[svc\] no pod of this task exists yet/);
  });

  it('reads the end of a log longer than asked, though the API keeps the start of what it selects', async () => {
    const log = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}\n`).join('');
    const asked: string[] = [];
    const query = async (select: { tailLines?: number; limitBytes: number }) => {
      asked.push(`${select.tailLines ?? '-'}/${select.limitBytes}`);
      return selectLog(log, new URLSearchParams(Object.entries(select).map(([k, v]) => [k, String(v)])));
    };
    const end = await readLogEnd(query, 4096);
    assert.ok(end.endsWith('line 4999 ' + 'x'.repeat(4999 % 97) + '\n'));
    assert.ok(end.startsWith('line '), 'from a line start');
    assert.ok(Buffer.byteLength(end) <= 4096 && Buffer.byteLength(end) > 2048, `${Buffer.byteLength(end)} bytes`);
    assert.ok(asked.length <= 9, asked.join(' '));
    // A short log is one read; one line longer than the limit gives its start, cut.
    asked.length = 0;
    assert.equal(await readLogEnd(query, 1 << 20), log);
    assert.equal(asked.length, 1);
    const one = 'y'.repeat(10_000);
    const single = await readLogEnd(async (select) => selectLog(one, new URLSearchParams(Object.entries(select).map(([k, v]) => [k, String(v)]))), 100);
    assert.equal(single, 'y'.repeat(100));
  });

  it('keeps the last bytes of a merged log from a line start', () => {
    assert.equal(tailText('one\ntwo\nthree\n', 100), 'one\ntwo\nthree\n');
    assert.equal(tailText('one\ntwo\nthree\n', 9), 'three\n');
    assert.equal(tailText('ééé', 3), 'é');
  });
});

describe('a running job’s log preview on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  const NS = 'atelier-logs';
  const BUCKET = 'kube-logs';
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let s3: S3rver;
  let s3dir: string;
  let t: TestApp;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    s3dir = mkdtempSync(join(tmpdir(), 'kbench-logs-s3rver-'));
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
    await t.atelier.recover();
    t.atelier.startBackground();
    await t.atelier.context.objectStore.ensureBucket(BUCKET);
    await t.atelier.context.objectStore.put(BUCKET, 'code/train.py', 'print("training")\n');
  });
  after(async () => {
    await t?.atelier.close();
    await t?.close();
    await s3?.close();
    if (s3dir) rmSync(s3dir, { recursive: true, force: true });
    await kubelet?.close();
    await kube?.stop();
  });

  it('answers 200 with the service lines and why the pod log cannot be read; another project gets 404', async () => {
    const { metadata } = await t.client.training.createJob({
      kind: 'job',
      metadata: { name: 'live-log' },
      algorithm: { code_dir: `/${BUCKET}/code/`, boot_file: `/${BUCKET}/code/train.py`, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
    });
    const name = await until('the pod', async () => {
      const items = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', metadata.id) })).items;
      return items[0]?.metadata?.name;
    });
    await settlePod(core, NS, name, { kind: 'running' });
    await until('Running/Running', async () => ((await t.client.training.getJob(metadata.id)).status.secondary_phase === 'Running' ? true : undefined));

    const preview = await t.client.training.logPreview(metadata.id, 'worker-0');
    assert.match(preview.content, /\[ModelArts Service Log\].*creating Job/);
    assert.match(preview.content, new RegExp(`the live log of worker in pod ${name} cannot be read from the cluster: HTTP \\d{3}`));
    assert.equal(preview.current_size, Buffer.byteLength(preview.content));
    assert.ok(preview.full_size >= preview.current_size);
    // The kubelet has the containers' logs now: the preview holds them after the service lines, staging first.
    kubelet.logs.set(`${NS}/${name}/${STAGING_INIT_CONTAINER}`, 'staged code/train.py\n');
    kubelet.logs.set(`${NS}/${name}/${WORKER_CONTAINER}`, 'training\nepoch 1 loss 0.5\n');
    const live = (await t.client.training.logPreview(metadata.id, 'worker-0')).content;
    assert.match(live, /\[ModelArts Service Log\][^]*staged code\/train\.py\ntraining\nepoch 1 loss 0\.5\n$/);
    assert.doesNotMatch(live, /cannot be read/);
    // A worker log longer than the preview keeps its end.
    const long = Array.from({ length: 40_000 }, (_, i) => `step ${i} ${'.'.repeat(40)}\n`).join('');
    kubelet.logs.set(`${NS}/${name}/${WORKER_CONTAINER}`, `${long}the last line\n`);
    const tail = (await t.client.training.logPreview(metadata.id, 'worker-0')).content;
    assert.match(tail, /step 39999 \.+\nthe last line\n$/);
    assert.doesNotMatch(tail, /step 0 /);

    const other = await t.newTenant('logs-other');
    await assert.rejects(other.training.logPreview(metadata.id, 'worker-0'), apiFailure(404, 'ModelArts.2755'));
    await t.client.training.terminateJob(metadata.id);
  });
});
