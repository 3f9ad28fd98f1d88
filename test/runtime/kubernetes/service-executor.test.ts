// Real-time services through the unchanged API on an Atelier started with --executor kubernetes, against a real API
// server with the real Deployment and ReplicaSet controllers (test-kubelet stands in for the kubelet). Each model version
// becomes a Deployment with its Service and staging Secret; the service runs once every version's pods are Ready, and
// the gateway sends predictions to the pods' addresses by the versions' weights. The pods' addresses are loopback
// addresses (127.0.0.2, 127.0.0.3, ...) where a small HTTP server per pod answers the model server's protocol at
// MODEL_SERVER_PORT and says which version it is. OOM-killed and ImagePullBackOff pods show in the status and events;
// an update changes the weights and the instances; a restart mid-deploy resumes; an orphan is deleted; delete removes all.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, type V1Pod } from '@kubernetes/client-node';
import { AtelierClient } from '#src/client/index.ts';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_MODEL, MODEL_SERVER_PORT, serviceObjectName, serviceVersionName, serviceVersionObjects } from '#src/runtime/kubernetes/service-manifest.ts';
import { serviceStagingName } from '#src/runtime/kubernetes/service-objects.ts';
import { restartedApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { importModel, onnxPackage, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode, settlePod, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-services';
const IMAGE = 'registry.example/atelier-runtime:1';
const BUCKET = 'kube-svc-models';
const ORPHAN = 'cccccccc-0000-4000-8000-000000000003';
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

type Service = Awaited<ReturnType<AtelierClient['services']['show']>>;

describe('real-time services on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let net: NetworkingV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let modelA = '';
  let modelB = '';
  /** The model servers standing in for the pods, by address. */
  const servers = new Map<string, Server>();
  let nextAddress = 2;

  /** Starts a stand-in model server at a fresh loopback address and returns the address. */
  const modelServer = async (version: string): Promise<string> => {
    const ip = `127.0.0.${nextAddress++}`;
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version, address: ip })));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(MODEL_SERVER_PORT, ip, resolve);
    });
    servers.set(ip, server);
    return ip;
  };

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['deployment-controller', 'replicaset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    net = kube.kc.makeApiClient(NetworkingV1Api);
    await registerNode(core, 'node-a', {}, { cpu: '8', memory: '32Gi' });
    // Atelier runs as its own ServiceAccount with the executor's Role: the Role is shown to be enough for services.
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE, {
      ATELIER_KUBE_CLOSED_NETWORKS: '10.244.0.0/16',
      ATELIER_KUBE_IMAGE_PULL_SECRETS: 'team-registry',
    });
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    modelA = await importModel(client, await putPackage(t, BUCKET, 'a', onnxPackage()), 'kube-linear', '1.0.0');
    modelB = await importModel(client, await putPackage(t, BUCKET, 'b', onnxPackage()), 'kube-linear', '2.0.0');
  });
  after(async () => {
    await app?.close();
    await onCluster?.close();
    for (const s of servers.values()) s.close();
    await kube?.stop();
  });

  const podsOf = async (id: string, modelId?: string): Promise<V1Pod[]> => {
    const selector = resourceSelector('service', id) + (modelId ? `,${LABEL_MODEL}=${modelId}` : '');
    return (await core.listNamespacedPod({ namespace: NS, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  };
  /** The version's pods that have no status written yet, once there are `n`. */
  const freshPods = (id: string, modelId: string, n: number) =>
    until(`${n} new pod(s) of ${modelId}`, async () => {
      const fresh = (await podsOf(id, modelId)).filter((p) => !p.status?.phase || (p.status.phase === 'Pending' && !p.status.conditions?.length));
      return fresh.length >= n ? fresh.slice(0, n) : undefined;
    });
  /** Writes the pod's outcome; a running pod gets the address where its model server answers. */
  const settle = async (pod: V1Pod, outcome: PodOutcome, ip?: string) => {
    const name = pod.metadata!.name!;
    const settled = await settlePod(core, NS, name, outcome);
    if (!ip) return;
    settled.status = { ...settled.status, podIP: ip, podIPs: [{ ip }] };
    await core.replaceNamespacedPodStatus({ name, namespace: NS, body: settled });
  };
  const waitStatus = (id: string, status: string, c = client): Promise<Service> =>
    until(
      `${id} ${status}`,
      async () => {
        const s = await c.services.show(id);
        return s.status === status ? s : undefined;
      },
      40_000,
    );
  const eventsOf = async (id: string, c = client) => (await c.services.events(id, { order: 'asc' })).events.map((e) => `${e.event_type}: ${e.event_info}`);
  const gone = async (read: () => Promise<unknown>) =>
    (await read().then(
      () => false,
      () => true,
    )) || undefined;
  /** Ends the pods on their way out at once, as the kubelet does once their containers have stopped. */
  const endTerminating = async (id: string) => {
    const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('service', id) })).items;
    for (const p of pods.filter((x) => x.metadata?.deletionTimestamp))
      await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 }).catch(() => undefined);
  };
  /** Predicts `n` times and counts the answers by version and by address. */
  const predictMany = async (id: string, n: number) => {
    const byVersion = new Map<string, number>();
    const byAddress = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const out = await client.services.predict<{ version: string; address: string }>(id, { body: { x: [[1, 2]] } });
      byVersion.set(out.version, (byVersion.get(out.version) ?? 0) + 1);
      byAddress.set(out.address, (byAddress.get(out.address) ?? 0) + 1);
    }
    return { byVersion, byAddress };
  };

  let id = '';

  it('deploys each version as a Deployment with its Service and staging Secret; Ready pods make it running', async (ctx) => {
    const created = await client.services.create({
      service_name: 'kube-two-versions',
      infer_type: 'real-time',
      config: [
        { model_id: modelA, weight: 75, instance_count: 2, ...small, envs: { GREETING: 'hi' } },
        { model_id: modelB, weight: 25, instance_count: 1, ...small },
      ],
    });
    id = created.service_id;
    const deployA = await until('the Deployment of version A', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, modelA), namespace: NS }).catch(() => undefined),
    );
    assert.equal(deployA.spec?.replicas, 2);
    const container = deployA.spec?.template.spec?.containers[0];
    assert.equal(container?.image, IMAGE, 'the --kube-image runs');
    assert.ok(container?.env?.some((e) => e.name === 'GREETING' && e.value === 'hi'));
    assert.equal(container?.resources?.limits?.cpu, '100m');
    assert.deepEqual(
      deployA.spec?.template.spec?.imagePullSecrets?.map((s) => s.name),
      ['team-registry'],
    );
    const deployB = await until('the Deployment of version B', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, modelB), namespace: NS }).catch(() => undefined),
    );
    assert.equal(deployB.spec?.replicas, 1);
    for (const m of [modelA, modelB]) {
      const service = await core.readNamespacedService({ name: serviceVersionName(id, m), namespace: NS });
      assert.equal(service.spec?.type, 'ClusterIP');
      assert.equal(service.spec?.selector?.[LABEL_MODEL], m);
    }
    // The staging plan downloads the model's files from where they were imported.
    const secret = await core.readNamespacedSecret({ name: serviceStagingName(id, modelA), namespace: NS });
    const plan = JSON.parse(Buffer.from(secret.data!['plan.json']!, 'base64').toString()) as { code: { bucket: string; key: string; dir: string } };
    assert.deepEqual(plan.code, { bucket: BUCKET, key: 'a/model/', dir: '/model' });
    assert.ok(secret.data!['stage.py'], 'stage.py is in the Secret');
    await core.readNamespacedServiceAccount({ name: serviceObjectName(id), namespace: NS });
    const policy = await net.readNamespacedNetworkPolicy({ name: serviceObjectName(id), namespace: NS });
    const closed = policy.spec?.egress?.flatMap((e) => e.to ?? []).flatMap((to) => to.ipBlock?.except ?? []);
    assert.ok(closed?.includes('10.244.0.0/16'), JSON.stringify(closed));
    assert.equal((await client.services.show(id)).status, 'deploying');

    const [a1, a2] = await freshPods(id, modelA, 2);
    const [b1] = await freshPods(id, modelB, 1);
    await settle(a1!, { kind: 'running' }, await modelServer('A'));
    await settle(a2!, { kind: 'running' }, await modelServer('A'));
    // One version answering is not enough: the service runs once all are.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.services.show(id)).status, 'deploying');
    const lastReady = performance.now();
    await settle(b1!, { kind: 'running' }, await modelServer('B'));
    await waitStatus(id, 'running');
    ctx.diagnostic(`last pod Ready -> service running (watch, rollout status, polling by the test): ${Math.round(performance.now() - lastReady)} ms`);
    assert.ok((await eventsOf(id)).includes('normal: service is running'));
    assert.equal((await client.services.updateLogs(id)).logs[0]?.result, 'SUCCESS');
  });

  it('the gateway sends predictions to the ready pods of each version by the weights', async (ctx) => {
    const started = performance.now();
    const { byVersion, byAddress } = await predictMany(id, 200);
    ctx.diagnostic(`200 sequential predictions through the gateway to the pods: ${((performance.now() - started) / 200).toFixed(2)} ms each`);
    const a = byVersion.get('A') ?? 0;
    const b = byVersion.get('B') ?? 0;
    assert.equal(a + b, 200);
    // 75/25 of 200: 150 expected; 120..180 is far beyond chance (binomial sd ~6).
    assert.ok(a >= 120 && a <= 180, `version A answered ${a} of 200`);
    assert.equal(byAddress.size, 3, 'every pod answered');
    const logs = await client.services.instanceLogs(id, {});
    assert.equal(logs.total_count, 3);
    assert.ok(logs.instances.every((i) => i.serving && [modelA, modelB].includes(i.model_id)));
    // The test API server has no kubelet to serve pod logs: the log says so instead of failing.
    assert.match(logs.instances[0]!.content, /cannot be read from the cluster/);
  });

  it('an OOM-killed pod makes the service concerning with the reason; its replacement makes it running again', async () => {
    const [victim] = await podsOf(id, modelA);
    const ip = victim!.status!.podIP!;
    await settle(victim!, { kind: 'oom-killed' });
    await waitStatus(id, 'concerning');
    await until('the OOMKilled event', async () => ((await eventsOf(id)).some((e) => e.startsWith('abnormal:') && e.includes('OOMKilled')) ? true : undefined));
    // The ReplicaSet replaces the failed pod; the other instances keep answering meanwhile.
    for (let i = 0; i < 20; i++) await client.services.predict(id, { body: { x: [[1, 2]] } });
    const [replacement] = await freshPods(id, modelA, 1);
    await core.deleteNamespacedPod({ name: victim!.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
    await settle(replacement!, { kind: 'running' }, ip);
    await waitStatus(id, 'running');
  });

  it('an update changes the weights, the instances of one version and the environment of the other (a rolling change)', async () => {
    await client.services.update(id, {
      config: [
        { model_id: modelA, weight: 50, instance_count: 2, ...small, envs: { GREETING: 'hello' } },
        { model_id: modelB, weight: 50, instance_count: 2, ...small },
      ],
    });
    const scaled = await until('version B at 2 replicas', async () => {
      const d = await apps.readNamespacedDeployment({ name: serviceVersionName(id, modelB), namespace: NS });
      return d.spec?.replicas === 2 ? d : undefined;
    });
    assert.equal(scaled.spec?.replicas, 2);
    const [b2] = await freshPods(id, modelB, 1);
    await settle(b2!, { kind: 'running' }, await modelServer('B'));
    // Version A's old pods still answer, but its new spec is not on them: the update is still under way.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.services.show(id)).status, 'deploying');
    // A's pods roll to the new environment one at a time (maxSurge 1): each new pod is settled as it comes, and an old
    // one the rollout scales away ends as the kubelet would end it.
    await until(
      'version A rolled out',
      async () => {
        for (const p of await podsOf(id, modelA)) if (!p.status?.phase || !p.spec?.nodeName) await settle(p, { kind: 'running' }, await modelServer('A'));
        await endTerminating(id);
        const d = await apps.readNamespacedDeployment({ name: serviceVersionName(id, modelA), namespace: NS });
        const s = d.status;
        const done = (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s?.updatedReplicas === 2 && s.replicas === 2 && s.availableReplicas === 2;
        return done ? true : undefined;
      },
      60_000,
    );
    const rolled = await podsOf(id, modelA);
    assert.ok(rolled.every((p) => p.spec?.containers[0]?.env?.some((e) => e.name === 'GREETING' && e.value === 'hello')));
    await waitStatus(id, 'running');
    assert.ok((await eventsOf(id)).includes('normal: service updated'));
    const { byVersion } = await predictMany(id, 200);
    const a = byVersion.get('A') ?? 0;
    assert.ok(a >= 70 && a <= 130, `version A answered ${a} of 200 at 50/50`);
  });

  it('a pod that cannot pull its image fails a new service and removes its objects', async () => {
    const { service_id: bad } = await client.services.create({
      service_name: 'kube-bad-image',
      infer_type: 'real-time',
      config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
    });
    const [pod] = await freshPods(bad, modelA, 1);
    await settle(pod!, { kind: 'unschedulable' });
    await until('the Unschedulable event', async () => ((await eventsOf(bad)).some((e) => e.includes('Unschedulable')) ? true : undefined));
    assert.equal((await client.services.show(bad)).status, 'deploying');
    await settle(pod!, { kind: 'image-pull-backoff' });
    const failed = await waitStatus(bad, 'failed');
    assert.match(failed.error_msg ?? '', /ImagePullBackOff/);
    assert.ok((await eventsOf(bad)).some((e) => e.startsWith('abnormal:') && e.includes('ImagePullBackOff')));
    await until('its Deployment gone', () => gone(() => apps.readNamespacedDeployment({ name: serviceVersionName(bad, modelA), namespace: NS })));
    assert.equal((await client.services.updateLogs(bad)).logs[0]?.result, 'FAIL');
    await client.services.delete(bad);
  });

  it('a restart mid-deploy adopts the Deployments by their labels and deletes an orphan', async () => {
    const { service_id: mid } = await client.services.create({
      service_name: 'kube-mid-deploy',
      infer_type: 'real-time',
      config: [{ model_id: modelB, weight: 100, instance_count: 1, ...small }],
    });
    const deployment = await until('its Deployment', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(mid, modelB), namespace: NS }).catch(() => undefined),
    );
    const orphan = serviceVersionObjects({
      serviceId: ORPHAN,
      projectId: client.projectId,
      namespace: NS,
      image: IMAGE,
      modelId: modelA,
      instanceCount: 1,
      modelType: 'PyTorch',
      modelName: 'orphan',
      stagingSecret: 'none',
      env: {},
      perInstance: { cpu: 0.1, memoryMb: 128 },
    });
    await apps.createNamespacedDeployment({ namespace: NS, body: orphan.deployment });
    await core.createNamespacedService({ namespace: NS, body: orphan.service });
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await until('the orphan Deployment gone', () => gone(() => apps.readNamespacedDeployment({ name: serviceVersionName(ORPHAN, modelA), namespace: NS })));
    await until('the orphan Service gone', () => gone(() => core.readNamespacedService({ name: serviceVersionName(ORPHAN, modelA), namespace: NS })));
    const same = await apps.readNamespacedDeployment({ name: serviceVersionName(mid, modelB), namespace: NS });
    assert.equal(same.metadata?.uid, deployment.metadata?.uid, 'the same Deployment, not a second one');
    assert.ok(
      (await eventsOf(mid, restarted.client)).some((e) => e.includes('Atelier restarted: following')),
      'adopted, not deployed again',
    );
    assert.equal((await apps.listNamespacedDeployment({ namespace: NS, labelSelector: resourceSelector('service', mid) })).items.length, 1);
    const [pod] = await freshPods(mid, modelB, 1);
    await settle(pod!, { kind: 'running' }, await modelServer('B'));
    await waitStatus(mid, 'running');
    assert.equal((await client.services.updateLogs(mid)).logs[0]?.result, 'SUCCESS', 'the deployment begun before the restart completes its log entry');
    assert.equal((await client.services.predict<{ version: string }>(mid, { body: { x: [[1, 2]] } })).version, 'B');
    // Another replica answers predictions from its own watch of the pods, and follows nothing a second time.
    // (A replica of its own name: the test app's restarts share one, as a restart on a fixed port does.)
    const second = await buildApp({ ...t.config, port: t.config.port + 1 });
    try {
      await second.recover();
      await second.app.listen({ host: '127.0.0.1', port: 0 });
      second.startBackground();
      const url = `http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}`;
      const secondClient = new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id });
      assert.equal((await secondClient.services.predict<{ version: string }>(mid, { body: { x: [[1, 2]] } })).version, 'B');
      assert.equal((await eventsOf(mid)).filter((e) => e.includes('Atelier restarted: following')).length, 1);
    } finally {
      await second.close();
    }
    // The first service was adopted too, and still answers by its weights.
    await waitStatus(id, 'running');
    assert.ok(['A', 'B'].includes((await client.services.predict<{ version: string }>(id, { body: { x: [[1, 2]] } })).version));
    await client.services.delete(mid);
  });

  it('a version dropped from the config loses its Deployment, Service and Secret; the other takes every prediction', async () => {
    await client.services.update(id, { config: [{ model_id: modelA, weight: 100, instance_count: 2, ...small, envs: { GREETING: 'hello' } }] });
    const name = serviceVersionName(id, modelB);
    await until('version B Deployment gone', () => gone(() => apps.readNamespacedDeployment({ name, namespace: NS })));
    await until('version B Service gone', () => gone(() => core.readNamespacedService({ name, namespace: NS })));
    await until('version B Secret gone', () => gone(() => core.readNamespacedSecret({ name: serviceStagingName(id, modelB), namespace: NS })));
    await waitStatus(id, 'running');
    const { byVersion } = await predictMany(id, 30);
    assert.deepEqual([...byVersion], [['A', 30]]);
  });

  it('stop and delete remove every object of the service', async () => {
    await client.services.update(id, { status: 'stopped' });
    await waitStatus(id, 'stopped');
    await until('the Deployments gone', async () =>
      (await apps.listNamespacedDeployment({ namespace: NS, labelSelector: resourceSelector('service', id) })).items.length === 0 ? true : undefined,
    );
    await client.services.delete(id);
    for (const m of [modelA, modelB]) {
      const name = serviceVersionName(id, m);
      await until(`Service ${name} gone`, () => gone(() => core.readNamespacedService({ name, namespace: NS })));
      await until(`Secret of ${name} gone`, () => gone(() => core.readNamespacedSecret({ name: serviceStagingName(id, m), namespace: NS })));
    }
    await until('the ServiceAccount gone', () => gone(() => core.readNamespacedServiceAccount({ name: serviceObjectName(id), namespace: NS })));
    await until('the NetworkPolicy gone', () => gone(() => net.readNamespacedNetworkPolicy({ name: serviceObjectName(id), namespace: NS })));
  });
});
