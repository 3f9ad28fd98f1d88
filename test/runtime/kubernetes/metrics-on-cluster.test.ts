// CPU and memory of workloads on the kubernetes executor come from the cluster's resource metrics API
// (metrics.k8s.io/v1beta1). The test API server has no metrics-server, so the group is made real here the way an
// aggregated API would serve it: CustomResourceDefinitions pods.metrics.k8s.io and nodes.metrics.k8s.io (v1beta1,
// PodMetrics/NodeMetrics), with PodMetrics objects written for the workloads' pods as metrics-server would write them.
// Before the group exists, every figure is what it was without a cluster. A second replica on the same database answers
// a service's monitor with the same figures: both read the metrics API and the shared request counts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import type { AtelierApp } from '#src/app.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { POOL_LABEL } from '#src/runtime/kubernetes/pool-placement.ts';
import { clusterRole, clusterRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { LABEL_MODEL } from '#src/runtime/kubernetes/service-manifest.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { importModel, onnxPackage, putPackage } from '../../models/fixtures.ts';
import { PY_ENGINE } from '../../training-jobs/helpers.ts';
import { startAtelierOnCluster, startSecondReplica, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { executorIdentity } from './executor-identity.ts';
import { METRICS_GROUP as GROUP, registerMetricsApi, writePodMetrics as writeMetrics } from './metrics-api.ts';
import { registerNode, settlePod } from './test-kubelet.ts';

const NS = 'atelier-metrics';
const IMAGE = 'registry.example/atelier-runtime:1';
const BUCKET = 'kube-metrics';
const small = { specification: 'custom', custom_spec: { cpu: 0.5, memory: 256 } };

/** A logger that keeps its warnings. */
function keptLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, error: () => undefined, warn: (_obj, msg) => void warnings.push(msg ?? '') };
}

describe("workloads' CPU and memory from the metrics API on the kubernetes executor", { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let model = '';
  let serviceId = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['deployment-controller', 'replicaset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    custom = kube.kc.makeApiClient(CustomObjectsApi);
    await registerNode(core, 'node-a', {}, { cpu: '8', memory: '32Gi' });
    // Atelier runs as its own ServiceAccount with the executor's Role: the Role is shown to be enough to read pod metrics.
    // A second replica shares the master key (deploy/kubernetes passes it by Secret).
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE, { ATELIER_MASTER_KEY: Buffer.alloc(32, 5).toString('base64') });
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    model = await importModel(client, await putPackage(t, BUCKET, 'm', onnxPackage()), 'kube-metrics-linear', '1.0.0');
    const objects = app.context.objectStore;
    await objects.put(BUCKET, 'code/train.py', 'print("training")\n');
    await objects.put(BUCKET, 'data/a.csv', 'x,y\n1,0\n');
  });
  after(async () => {
    await app?.close();
    await onCluster?.close();
    await kube?.stop();
  });

  const podsOf = async (kind: 'service' | 'training-job', id: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector(kind, id) })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const podsNamed = (kind: 'service' | 'training-job', id: string, n: number, timeoutMs?: number) =>
    until(
      `${n} pod(s) of ${kind} ${id}`,
      async () => {
        const pods = await podsOf(kind, id);
        return pods.length >= n ? pods.slice(0, n) : undefined;
      },
      timeoutMs,
    );
  const writePodMetrics = (pod: V1Pod, usage: { cpu: string; memory: string }[]) => writeMetrics(custom, pod, usage);
  const monitorOf = async () => (await client.services.monitor(serviceId)).monitors.find((m) => m.model_id === model)!;

  it('without the metrics API a service monitor answers as before, and the reason is logged once', async () => {
    const created = await client.services.create({
      service_name: 'kube-metrics-svc',
      infer_type: 'real-time',
      config: [{ model_id: model, weight: 100, instance_count: 2, ...small }],
    });
    serviceId = created.service_id;
    for (const pod of await podsNamed('service', serviceId, 2)) await settlePod(core, NS, pod.metadata!.name!, { kind: 'running' });
    const m = await monitorOf();
    assert.equal(m.cpu_core_usage, 0);
    assert.equal(m.cpu_memory_usage, 0);
    assert.equal(m.cpu_core_total, 0, 'no instance counted, as without a cluster');

    const log = keptLog();
    const metrics = new ClusterMetrics(kube.kc, NS, log, 0);
    assert.equal(await metrics.podUsage(), undefined);
    assert.equal(await metrics.podUsage(), undefined);
    assert.equal(log.warnings.length, 1, log.warnings.join('\n'));
    assert.match(log.warnings[0]!, /serves no metrics\.k8s\.io API \(metrics-server is not installed\)/);
  });

  it('registers the metrics API the way an aggregated metrics-server would serve it', async () => {
    await registerMetricsApi(kube.kc, NS);
  });

  it("a service's monitor shows what its pods use, summed per model version, with its running instances", async (ctx) => {
    const [a, b] = await podsOf('service', serviceId);
    assert.equal(a!.metadata!.labels![LABEL_MODEL], model);
    // 0.25 + 0.15 cores; 100 MiB + 0.05 GiB (51.2 MiB).
    await writePodMetrics(a!, [{ cpu: '250000000n', memory: '102400Ki' }]);
    await writePodMetrics(b!, [{ cpu: '150m', memory: '0.05Gi' }]);
    const m = await until(
      'the monitor to show the pods',
      async () => {
        const now = await monitorOf();
        return now.cpu_core_usage > 0 ? now : undefined;
      },
      15_000,
    );
    assert.equal(m.cpu_core_usage, 0.4);
    assert.equal(m.cpu_memory_usage, 151);
    assert.equal(m.cpu_core_total, 1, '2 running instances of 0.5 cores');
    assert.equal(m.cpu_memory_total, 512);
    const started = performance.now();
    for (let i = 0; i < 20; i++) await monitorOf();
    ctx.diagnostic(
      `ShowServiceMonitorInfo with the pods' metrics (pod list + PodMetrics, cached 2 s): ${((performance.now() - started) / 20).toFixed(1)} ms each`,
    );
  });

  it("a second replica's monitor of the service answers the same numbers: both read the metrics API, neither its own memory", async () => {
    const second = await startSecondReplica(t, 'kube-metrics-second-');
    try {
      const monitors = async () => Promise.all([client, second.client].map(async (c) => (await c.services.monitor(serviceId)).monitors));
      const [one, two] = await monitors();
      assert.deepEqual(two, one);
      assert.deepEqual([two![0]!.cpu_core_usage, two![0]!.cpu_memory_usage, two![0]!.cpu_core_total], [0.4, 151, 1]);
      // A new reading of one pod reaches both replicas (each shares a reading for 2 s at most).
      const [a] = await podsOf('service', serviceId);
      await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1beta1', namespace: NS, plural: 'pods', name: a!.metadata!.name! });
      await writePodMetrics(a!, [{ cpu: '500m', memory: '200Mi' }]);
      const after = await until(
        'both monitors to show the new reading',
        async () => {
          const both = await monitors();
          return both.every((m) => m[0]!.cpu_core_usage !== 0.4) ? both : undefined;
        },
        15_000,
      );
      assert.deepEqual(after[1], after[0]);
      assert.deepEqual([after[0]![0]!.cpu_core_usage, after[0]![0]!.cpu_memory_usage], [0.65, 251]);
    } finally {
      await second.close();
    }
  });

  it("a training job's task metrics follow its pod's CPU and memory", async (ctx) => {
    const job = await client.training.createJob({
      kind: 'job',
      metadata: { name: 'kube-metrics-job' },
      algorithm: {
        code_dir: `/${BUCKET}/code/`,
        boot_file: `/${BUCKET}/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/data/` } } }],
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/out/` } } }],
      },
      spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
    });
    const id = job.metadata.id;
    // The Job controller can be slow on a loaded machine: a minute for its pod.
    const [pod] = await podsNamed('training-job', id, 1, 60_000).catch(async (e: unknown) => {
      const j = await client.training.getJob(id);
      throw new Error(
        `${String(e)}; the job is ${j.status.phase}/${j.status.secondary_phase}: ${JSON.stringify(await client.training.logPreview(id, 'worker-0'))}`,
      );
    });
    await settlePod(core, NS, pod!.metadata!.name!, { kind: 'running' });
    await until('the job running', async () => ((await client.training.getJob(id)).status.secondary_phase === 'Running' ? true : undefined));
    const before = await client.training.metrics(id, 'worker-0');
    assert.ok(
      before.metrics.find((s) => s.metric === 'cpuUsage')!.value.every((v) => v === -1),
      'nothing measured before the pod has metrics',
    );
    await writePodMetrics(pod!, [{ cpu: '500m', memory: '1Gi' }]);
    const written = performance.now();
    const m = await until(
      'a sample of the pod',
      async () => {
        const now = await client.training.metrics(id, 'worker-0');
        return now.time_series.items.find((s) => s.metric === 'cpuUsage')!.value.some((v) => v > 0) ? now : undefined;
      },
      15_000,
    );
    ctx.diagnostic(`PodMetrics written -> first sample in ShowTrainingJobMetrics: ${Math.round(performance.now() - written)} ms`);
    const measured = (name: string) => m.time_series.items.find((s) => s.metric === name)!.value.filter((v) => v !== -1);
    // Half of the flavor's one core; memory as a share of the flavor's memory (1 GiB of it).
    assert.ok(
      measured('cpuUsage').every((v) => v === 50),
      JSON.stringify(measured('cpuUsage')),
    );
    const flavor = (await client.training.flavors()).flavors.find((f) => f.flavor_id === 'modelarts.vm.cpu.1u')!;
    const flavorGb = flavor.flavor_info!.memory!.size;
    const mem = measured('memUsage');
    assert.ok(mem.length > 0 && mem.every((v) => Math.abs(v - 100 / flavorGb) < 100 / flavorGb / 10), `${JSON.stringify(mem)} of ${flavorGb} GB`);
    assert.ok(m.metrics.find((s) => s.metric === 'cpuUsage')!.value.includes(50), 'the per-minute series too');
    await client.training.terminateJob(id);
  });

  it("a dedicated pool's monitor shows what its nodes use, read from NodeMetrics", async () => {
    // A second Atelier with pools: its own ServiceAccount with the executor's Role and ClusterRole (shown to be enough
    // to read NodeMetrics), sampling pool metrics every 200 ms.
    const ns = 'atelier-metrics-pools';
    const identity = await executorIdentity(kube, ns, 'atelier-metrics-system');
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: clusterRole(), fieldValidation: 'Strict' });
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding({ namespace: 'atelier-metrics-system', serviceAccount: 'atelier' }) });
    const dir = mkdtempSync(join(tmpdir(), 'metrics-pools-'));
    writeFileSync(join(dir, 'kubeconfig'), identity.exportConfig(), { mode: 0o600 });
    // Only this node holds 16 cores: the pool's flavor takes it.
    await registerNode(core, 'pool-node', {}, { cpu: '16', memory: '64Gi' });
    const p = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: join(dir, 'kubeconfig'),
      ATELIER_KUBE_NAMESPACE: ns,
      ATELIER_KUBE_IMAGE: IMAGE,
      ATELIER_METRICS_INTERVAL: '200',
    });
    try {
      await p.atelier.recover();
      p.atelier.startBackground();
      const network = await p.client.networks.create({
        apiVersion: 'v1',
        kind: 'Network',
        metadata: { labels: { 'os.modelarts/name': 'metrics-net' } },
        spec: { cidr: '192.168.0.0/24' },
      });
      const pool = await p.client.pools.create({
        apiVersion: 'v2',
        kind: 'Pool',
        metadata: { labels: { 'os.modelarts/name': 'metrics-pool', 'os.modelarts/workspace.id': '0' } },
        spec: { type: 'Dedicate', scope: ['Train'], network: { name: network.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.16u', count: 1 }] },
      });
      assert.equal((await core.readNode({ name: 'pool-node' })).metadata?.labels?.[POOL_LABEL], pool.metadata.name);
      const peak = async (metric: string) => {
        const m = await p.client.poolMetrics.monitor(pool.metadata.name, { time_range: '-1.-1.5', statistics: 'maximum', period: '60' });
        const points = m.metrics.find((x) => x.metric.metricName === metric)!.dataPoints;
        return Math.max(-1, ...points.map((d) => d.statistics[0]!.value));
      };
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await peak('cpuUsage'), 0, 'no NodeMetrics of its node yet: nothing measured, as without a cluster');
      // 4 of 16 cores; 16 of 64 GiB.
      await custom.createClusterCustomObject({
        group: GROUP,
        version: 'v1beta1',
        plural: 'nodes',
        body: {
          apiVersion: `${GROUP}/v1beta1`,
          kind: 'NodeMetrics',
          metadata: { name: 'pool-node' },
          timestamp: new Date().toISOString(),
          window: '20s',
          usage: { cpu: '4000000000n', memory: '16777216Ki' },
        },
      });
      await until('the pool monitor to show its node', async () => ((await peak('cpuUsage')) > 0 ? true : undefined), 15_000);
      assert.equal(await peak('cpuUsage'), 25);
      assert.equal(await peak('memUsedRate'), 25);
    } finally {
      await p.atelier.close();
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an identity without the right to read pod metrics gets no figures, and the log says why once', async () => {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'no-metrics' } } });
    const tr = await core.createNamespacedServiceAccountToken({ name: 'no-metrics', namespace: NS, body: { spec: { audiences: [], expirationSeconds: 600 } } });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64') }],
      users: [{ name: 'u', token: tr.status!.token }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u', namespace: NS }],
      currentContext: 'c',
    });
    const log = keptLog();
    const metrics = new ClusterMetrics(kc, NS, log, 0);
    assert.equal(await metrics.podUsage(), undefined);
    assert.equal(await metrics.nodeUsage(), undefined);
    assert.equal(await metrics.podUsage(), undefined);
    assert.equal(log.warnings.length, 2, log.warnings.join('\n'));
    assert.match(log.warnings[0]!, /may not list pods\.metrics\.k8s\.io/);
    assert.match(log.warnings[1]!, /may not list nodes\.metrics\.k8s\.io/);
    // The same reads with the admin's identity answer.
    const admin = new ClusterMetrics(kube.kc, NS, keptLog(), 0);
    assert.ok((await admin.podUsage())?.size);
  });
});
