// Kubernetes executor bench: Create→Running of a training job on the executor, against the time a bare pod of the same
// spec takes to start on the same API server; the executor's added overhead (p50) must be <= 200 ms.
// The real kube-apiserver, kube-controller-manager (Job controller) and kube-scheduler run (test/helpers/kube.ts); an
// auto-kubelet here writes Running as soon as a pod is bound, the same for both cases.
//   bare pod: POST the pod (the job's own pod spec) -> Running seen on a watch;
//   job:      CreateTrainingJob over HTTP -> ShowTrainingJob says Running/Running (polled every 5 ms; the phase comes
//             from Atelier's informers), which takes the staging Secret, the ServiceAccount, NetworkPolicy and Service,
//             the Job, the Job controller's pod, the scheduler and the informers' delay.
// KUBE_BENCH_N (default 20) of each, alternated so load drifts hit both alike.
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import S3rver from 's3rver';
import { LABEL_ID, resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { startKubeTestServer, until } from '../test/helpers/kube.ts';
import { PY_ENGINE } from '../test/training-jobs/helpers.ts';
import { registerNode, settlePod } from '../test/runtime/kubernetes/test-kubelet.ts';

const N = Number(process.env.KUBE_BENCH_N ?? 20);
const TARGET_MS = 200;
const NS = 'atelier-bench';
const BUCKET = 'kube-bench';

const kube = await startKubeTestServer({ controllers: true, scheduler: true });
const core = kube.kc.makeApiClient(CoreV1Api);
const batch = kube.kc.makeApiClient(BatchV1Api);
await core.createNamespace({ body: { metadata: { name: NS } } });
await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'bench-bare' }, automountServiceAccountToken: false } });
for (const n of ['node-a', 'node-b']) await registerNode(core, n, {}, { cpu: '8', memory: '32Gi' });

// The auto-kubelet, and the bare pods' Running seen on the same watch.
const settling = new Set<string>();
const running = new Map<string, (at: number) => void>();
/** When the watch first saw each job's pod, and saw it Running: where the job's time goes. */
const jobPodSeen = new Map<string, { added: number; running?: number }>();
const onPod = (pod: V1Pod) => {
  const name = pod.metadata?.name ?? '';
  const jobId = pod.metadata?.labels?.[LABEL_ID];
  if (jobId) {
    const seen = jobPodSeen.get(jobId) ?? { added: performance.now() };
    jobPodSeen.set(jobId, seen);
    if (pod.status?.phase === 'Running') seen.running ??= performance.now();
  }
  if (pod.status?.phase === 'Running') {
    running.get(name)?.(performance.now());
    return;
  }
  // A kubelet kills a deleted pod's containers (the pod ends, the Job controller lets it go) and confirms the deletion;
  // without that the pods of ended jobs would hold the nodes.
  if (pod.metadata?.deletionTimestamp) {
    const ended = pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
    if (pod.spec?.nodeName && !ended)
      void settlePod(core, NS, name, { kind: 'exited', code: 137 }, pod.spec.nodeName)
        .then(() => core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 }))
        .catch(() => undefined);
    return;
  }
  if (!pod.spec?.nodeName || settling.has(name)) return;
  settling.add(name);
  void settlePod(core, NS, name, { kind: 'running' }, pod.spec.nodeName).catch(() => settling.delete(name));
};
const watch = await new Watch(kube.kc).watch(
  `/api/v1/namespaces/${NS}/pods`,
  {},
  (type: string, pod: V1Pod) => (type === 'ADDED' || type === 'MODIFIED' ? onPod(pod) : undefined),
  (err: unknown) => (err && !(err instanceof Error && err.name === 'AbortError') ? console.error('pod watch ended', err) : undefined),
);

const s3dir = mkdtempSync(join(tmpdir(), 'kbench-s3rver-'));
const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
const { port } = (await s3.run()) as { port: number };
const t = await startTestApp({
  ATELIER_EXECUTOR: 'kubernetes',
  ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
  ATELIER_KUBE_NAMESPACE: NS,
  ATELIER_KUBE_IMAGE: 'registry.example/atelier-runtime:1',
  ATELIER_OBJECT_STORE: 's3',
  ATELIER_S3_ENDPOINT: `http://127.0.0.1:${port}`,
  ATELIER_S3_ACCESS_KEY: 'S3RVER',
  ATELIER_S3_SECRET_KEY: 'S3RVER',
  ATELIER_LOG_LEVEL: 'warn',
});
await t.atelier.recover();
t.atelier.startBackground();
const objects = t.atelier.context.objectStore;
await objects.ensureBucket(BUCKET);
await objects.put(BUCKET, 'code/train.py', 'print("training")\n');
await objects.put(BUCKET, 'data/a.csv', 'x,y\n1,0\n');

const jobBody = (name: string) => ({
  kind: 'job' as const,
  metadata: { name },
  algorithm: {
    code_dir: `/${BUCKET}/code/`,
    boot_file: `/${BUCKET}/code/train.py`,
    engine: { engine_id: PY_ENGINE },
    inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/data/` } } }],
    outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/out/${name}/` } } }],
  },
  spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
});

async function jobOnce(i: number): Promise<{ ms: number; id: string; podAdded: number; podRunning: number }> {
  const started = performance.now();
  const { metadata } = await t.client.training.createJob(jobBody(`bench-${i}`));
  for (;;) {
    const job = await t.client.training.getJob(metadata.id);
    if (performance.now() - started > 30_000) throw new Error(`job ${metadata.id} still ${job.status.phase}/${job.status.secondary_phase} after 30 s`);
    if (job.status.phase === 'Running' && job.status.secondary_phase === 'Running') {
      const at = performance.now();
      const seen = jobPodSeen.get(metadata.id);
      return { ms: at - started, id: metadata.id, podAdded: (seen?.added ?? at) - started, podRunning: (seen?.running ?? at) - started };
    }
    if (job.status.phase !== 'Running' && job.status.phase !== 'Pending' && job.status.phase !== 'Creating')
      throw new Error(`job ${metadata.id} ended ${job.status.phase}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stopJob(id: string): Promise<void> {
  await t.client.training.terminateJob(id);
  await until(`job ${id} terminated`, async () => ((await t.client.training.getJob(id)).status.phase === 'Terminated' ? true : undefined), 60_000);
  // What the kubelet and the Job controller would finish with no kubelet: the job's pods let go and removed, so that
  // ended jobs do not hold the nodes.
  for (const pod of (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items) {
    const name = pod.metadata!.name!;
    try {
      if (pod.metadata?.finalizers?.length)
        await core.replaceNamespacedPod({ name, namespace: NS, body: { ...pod, metadata: { ...pod.metadata, finalizers: [] } } });
      await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
    } catch {
      // already gone
    }
  }
}

/** The pod spec of the job's Job, for a bare pod with no owner or managed labels (its own ServiceAccount: the job's goes with it). */
async function barePodSpec(id: string): Promise<V1Pod['spec']> {
  const [job] = (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;
  if (!job) throw new Error(`no Job for ${id}`);
  return job.spec!.template.spec!;
}

async function podOnce(i: number, spec: V1Pod['spec']): Promise<number> {
  const name = `bare-${i}`;
  const seen = new Promise<number>((resolve, reject) => {
    running.set(name, resolve);
    setTimeout(() => {
      void core
        .readNamespacedPod({ name, namespace: NS })
        .then((p) => reject(new Error(`${name} not Running within 30 s: ${JSON.stringify(p.status)} on ${p.spec?.nodeName ?? 'no node'}`)), reject);
    }, 30_000).unref();
  });
  const started = performance.now();
  await core.createNamespacedPod({
    namespace: NS,
    body: { metadata: { name, labels: { bench: 'bare' } }, spec: { ...spec!, nodeName: undefined, serviceAccountName: 'bench-bare' } },
  });
  const at = await seen;
  running.delete(name);
  await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  return at - started;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
// Warm-up: one job (its pod spec is the bare pods'), one bare pod.
const warm = await jobOnce(-1);
console.log('warm job running');
const spec = await barePodSpec(warm.id);
await podOnce(-1, spec);
await stopJob(warm.id);

const pods: number[] = [];
const jobs: number[] = [];
const podAdded: number[] = [];
const podRunning: number[] = [];
for (let i = 0; i < N; i++) {
  pods.push(await podOnce(i, spec));
  const j = await jobOnce(i);
  jobs.push(j.ms);
  podAdded.push(j.podAdded);
  podRunning.push(j.podRunning);
  await stopJob(j.id);
  if (process.env.KUBE_BENCH_VERBOSE) console.log(i, pods.at(-1)?.toFixed(0), j.ms.toFixed(0));
}
console.log(
  `load average after:  ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const row = (what: string, xs: number[]) =>
  console.log(`${what.padEnd(34)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms`);
row(`bare pod Create→Running (n=${N})`, pods);
row(`training job Create→Running (n=${N})`, jobs);
row('  of which: its pod seen on a watch', podAdded);
row('  of which: its pod Running on a watch', podRunning);
const overhead50 = pct(jobs, 50) - pct(pods, 50);
const overhead95 = pct(jobs, 95) - pct(pods, 95);
console.log(
  `added overhead: p50 ${overhead50.toFixed(0)} ms, p95 ${overhead95.toFixed(0)} ms (target p50 <= ${TARGET_MS} ms): ${overhead50 <= TARGET_MS ? 'MET' : 'NOT MET'}`,
);

watch.abort();
await t.atelier.close();
await t.close();
await s3.close();
rmSync(s3dir, { recursive: true, force: true });
await kube.stop();
process.exit(overhead50 <= TARGET_MS ? 0 : 1);
