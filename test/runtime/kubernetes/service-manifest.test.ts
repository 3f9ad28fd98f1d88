// A real-time service's versions on a real API server, created as Atelier's ServiceAccount: each version's Deployment
// and Service pass the server's strict validation, read back as built, and the gateway finds each version's pods by
// label; scaling and removal need nothing beyond the executor's Role.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, PatchStrategy, SchedulingV1Api, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { poolPlacement, poolPriorityClass } from '#src/runtime/kubernetes/pool-placement.ts';
import {
  LABEL_MODEL,
  MODEL_SERVER_HEALTH,
  MODEL_SERVER_PORT,
  serviceSharedObjects,
  serviceVersionName,
  serviceVersionObjects,
  serviceVersionSelector,
  type ServiceVersionWorkload,
} from '#src/runtime/kubernetes/service-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, type KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity, stagingSecretBody } from './executor-identity.ts';

const namespace = 'atelier-services';
const PROJECT = '0123456789abcdef0123456789abcdef';
const SERVICE = 'c1000000-0000-4000-8000-000000000001';
const MODEL_A = 'a1000000-0000-4000-8000-00000000000a';
const MODEL_B = 'a1000000-0000-4000-8000-00000000000b';

const version = (modelId: string, instanceCount: number): ServiceVersionWorkload => ({
  serviceId: SERVICE,
  projectId: PROJECT,
  namespace,
  modelId,
  instanceCount,
  image: 'registry.example/atelier-runtime:1',
  modelType: 'PyTorch',
  modelName: 'digits',
  stagingSecret: `ma-svc-staging-${modelId.slice(-1)}`,
  env: { LOG_LEVEL: 'info', HOME: '/forged' },
  perInstance: { cpu: 0.5, memoryMb: 1024 },
  ...poolPlacement('pool-serving'),
  closedNetworks: ['10.244.0.0/16'],
});

describe('real-time service manifests', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let net: NetworkingV1Api;
  let adminCore: CoreV1Api;

  before(async () => {
    kube = await startKubeTestServer();
    const atelier = await executorIdentity(kube, namespace);
    apps = atelier.makeApiClient(AppsV1Api);
    core = atelier.makeApiClient(CoreV1Api);
    net = atelier.makeApiClient(NetworkingV1Api);
    adminCore = kube.kc.makeApiClient(CoreV1Api);
    // The pool's PriorityClass exists (the pools family makes it): the API server admits pods that name it.
    await kube.kc.makeApiClient(SchedulingV1Api).createPriorityClass({ body: { metadata: { name: poolPriorityClass('pool-serving') }, value: 1000 } });
  });
  after(async () => {
    await kube?.stop();
  });

  it('creates two versions as Atelier; a dry run stores nothing; each reads back with its instances, flavor, probe and isolation', async () => {
    const shared = serviceSharedObjects({ serviceId: SERVICE, projectId: PROJECT, namespace, closedNetworks: ['10.244.0.0/16'] });
    await core.createNamespacedServiceAccount({ namespace, body: shared.serviceAccount, fieldValidation: 'Strict' });
    await net.createNamespacedNetworkPolicy({ namespace, body: shared.networkPolicy, fieldValidation: 'Strict' });
    const a = serviceVersionObjects(version(MODEL_A, 2));
    await apps.createNamespacedDeployment({ namespace, body: a.deployment, fieldValidation: 'Strict', dryRun: 'All' });
    assert.equal((await apps.listNamespacedDeployment({ namespace })).items.length, 0, 'a dry run stores nothing');
    for (const [modelId, n] of [
      [MODEL_A, 2],
      [MODEL_B, 1],
    ] as const) {
      const o = serviceVersionObjects(version(modelId, n));
      await core.createNamespacedSecret({
        namespace,
        body: stagingSecretBody(`ma-svc-staging-${modelId.slice(-1)}`, namespace, o.deployment.metadata!.labels!),
      });
      await apps.createNamespacedDeployment({ namespace, body: o.deployment, fieldValidation: 'Strict' });
      await core.createNamespacedService({ namespace, body: o.service, fieldValidation: 'Strict' });
    }
    const d = await apps.readNamespacedDeployment({ namespace, name: serviceVersionName(SERVICE, MODEL_A) });
    assert.equal(d.spec?.replicas, 2);
    const pod = d.spec!.template.spec!;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.serviceAccountName, `ma-svc-${SERVICE}`);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.deepEqual(pod.nodeSelector, { 'atelier.io/pool': 'pool-serving' });
    assert.equal(pod.priorityClassName, 'atelier-pool-serving', "the pool's ResourceQuota counts the pods");
    const c = pod.containers[0]!;
    assert.deepEqual(c.resources?.limits, { cpu: '500m', memory: '1Gi' });
    assert.deepEqual(c.resources?.requests, { cpu: '500m', memory: '1Gi' });
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c.readinessProbe?.httpGet?.path, MODEL_SERVER_HEALTH);
    assert.equal(c.readinessProbe?.httpGet?.port, MODEL_SERVER_PORT);
    assert.ok(c.volumeMounts?.some((m) => m.mountPath === '/tmp'));
    assert.equal(c.env?.find((e) => e.name === 'HOME')?.value, '/tmp/home', 'the platform variable wins');
    assert.equal(c.env?.find((e) => e.name === 'LOG_LEVEL')?.value, 'info');
    assert.deepEqual(pod.initContainers?.[0]?.command, ['python3', '/atelier/staging/stage.py', 'in', '/atelier/staging/plan.json']);
    assert.ok(pod.volumes?.some((v) => v.secret?.secretName === 'ma-svc-staging-a'));
    const svc = await core.readNamespacedService({ namespace, name: serviceVersionName(SERVICE, MODEL_B) });
    assert.equal(svc.spec?.ports?.[0]?.port, MODEL_SERVER_PORT);
    assert.deepEqual(svc.spec?.selector, { 'atelier.io/resource-id': SERVICE, [LABEL_MODEL]: MODEL_B });
  });

  it('finds every version, and each version alone, by label selector', async () => {
    const all = await apps.listNamespacedDeployment({ namespace, labelSelector: serviceVersionSelector(SERVICE) });
    assert.equal(all.items.length, 2);
    const b = await apps.listNamespacedDeployment({ namespace, labelSelector: serviceVersionSelector(SERVICE, MODEL_B) });
    assert.deepEqual(
      b.items.map((d) => d.metadata?.name),
      [serviceVersionName(SERVICE, MODEL_B)],
    );
    const services = await core.listNamespacedService({ namespace, labelSelector: serviceVersionSelector(SERVICE) });
    assert.equal(services.items.length, 2);
  });

  it("lets the gateway find each version's pods: a pod of the template is matched by its version's Service selector only", async () => {
    // No Deployment controller runs here: make the pods the ReplicaSet would, from each template.
    for (const modelId of [MODEL_A, MODEL_B]) {
      const d = await apps.readNamespacedDeployment({ namespace, name: serviceVersionName(SERVICE, modelId) });
      const body: V1Pod = { metadata: { name: `${d.metadata!.name}-x`, labels: d.spec!.template.metadata!.labels }, spec: d.spec!.template.spec };
      await adminCore.createNamespacedPod({ namespace, body, fieldValidation: 'Strict' });
    }
    for (const modelId of [MODEL_A, MODEL_B]) {
      const svc = await core.readNamespacedService({ namespace, name: serviceVersionName(SERVICE, modelId) });
      const selector = Object.entries(svc.spec!.selector!)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
      assert.deepEqual(
        pods.items.map((p) => p.metadata?.name),
        [`${serviceVersionName(SERVICE, modelId)}-x`],
      );
      const byVersion = await core.listNamespacedPod({ namespace, labelSelector: serviceVersionSelector(SERVICE, modelId) });
      assert.equal(byVersion.items.length, 1);
    }
  });

  it('scales a version by patch and removes it, as Atelier', async () => {
    const name = serviceVersionName(SERVICE, MODEL_A);
    await apps.patchNamespacedDeployment({ namespace, name, body: { spec: { replicas: 3 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.equal((await apps.readNamespacedDeployment({ namespace, name })).spec?.replicas, 3);
    await apps.deleteNamespacedDeployment({ namespace, name });
    await core.deleteNamespacedService({ namespace, name });
    const left = await apps.listNamespacedDeployment({ namespace, labelSelector: serviceVersionSelector(SERVICE) });
    assert.deepEqual(
      left.items.map((d) => d.metadata?.labels?.[LABEL_MODEL]),
      [MODEL_B],
    );
  });

  it('refuses a workload it cannot express', () => {
    assert.throws(() => serviceVersionObjects(version(MODEL_A, 0)), /instance count/);
    assert.throws(() => serviceVersionObjects(version(MODEL_A, 129)), /instance count/);
    assert.throws(() => serviceVersionObjects({ ...version(MODEL_A, 1), modelId: 'not a label' }), /label value/);
  });
});
