// Models of type Image as real-time services on the kubernetes executor, against a real API server with the real
// Deployment and ReplicaSet controllers (test-kubelet stands in for the kubelet). The version's Deployment runs the
// model's own image (config.json swr_location) with nothing staged, probes the health check its config declares, keeps
// every workload's isolation but a writable root filesystem (and a /tmp emptyDir), and the gateway sends each
// prediction to the path of the image's api the caller names, over HTTP or HTTPS as the api declares. A small HTTP(S)
// server per pod, at the pod's loopback address and port 8080, stands in for the image. The local executor (which has
// no container runtime) still refuses Image models, saying why; batch runs of them are in batch-executor.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, type V1Pod } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_MODEL, MODEL_SERVER_PORT, serviceObjectName, serviceVersionName } from '#src/runtime/kubernetes/service-manifest.ts';
import { serviceStagingName } from '#src/runtime/kubernetes/service-objects.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { eventually, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode, settlePod } from './test-kubelet.ts';

const NS = 'atelier-image-models';
const RUNTIME_IMAGE = 'registry.example/atelier-runtime:1';
const GREETER = 'swr.example.com/team/greeter:1';
const SECURE = 'swr.example.com/team/secure-greeter:2';
const BUCKET = 'kube-image-models';
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };
const json = { 'Content-type': 'application/json' };
const named = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

const api = (url: string, protocol = 'http') => ({
  protocol,
  url,
  method: 'post',
  request: { ...json, data: named },
  response: { ...json, data: { type: 'object' } },
});
/** The guide's example image: POST / and POST /greet, a health check at /healthz. */
const greeterConfig = {
  model_type: 'Image',
  model_algorithm: 'greeting',
  swr_location: GREETER,
  apis: [api('/'), api('/greet'), api('/greet twice')],
  health: { url: '/healthz', protocol: 'http', initial_delay_seconds: '7', timeout_seconds: '3' },
};
/** An image that speaks HTTPS on its api and declares no health check. */
const secureConfig = { model_type: 'Image', model_algorithm: 'greeting', swr_location: SECURE, apis: [api('/v1/greet', 'https')] };

/** A client model object as plain JSON, to compare with literals. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));

type Service = Awaited<ReturnType<AtelierClient['services']['show']>>;

/** `client`: of the app now serving (another after a restart). */
async function importImageModel(t: TestApp, folder: string, config: object, name: string, client = t.client): Promise<string> {
  const source = await putPackage(t, BUCKET, folder, { 'model/config.json': JSON.stringify(config) });
  const { model_id } = await client.models.create({ model_name: name, model_version: '1.0.0', source_location: source, model_type: 'Image' });
  await eventually(`model ${name} published`, async () => ((await client.models.show(model_id)).model_status === 'published' ? true : undefined));
  return model_id;
}

/** The image's own server: what the greeter answers at each of its paths (and which address answered). */
function greeter(ip: string, tls: boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'OK' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { name } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { name?: string };
      if (req.method !== 'POST') return send(405, { error: 'POST only' });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/') return send(200, { called: 'default', name, address: ip, tls });
      if (path === '/greet' || path === '/v1/greet') return send(200, { response: `Hello, ${name}!`, path, url: req.url, address: ip, tls });
      if (path === '/greet%20twice') return send(200, { response: `Hello, ${name}! Hello, ${name}!`, path, address: ip, tls });
      return send(404, { error: `no route ${req.url}` });
    });
  };
}

describe('Image models as real-time services on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let net: NetworkingV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let greeterModel = '';
  let secureModel = '';
  const servers: Server[] = [];
  let nextAddress = 2;

  /** Starts the stand-in image at a fresh loopback address, on port 8080, and returns the address. */
  const imageServer = async (tls: boolean): Promise<string> => {
    const ip = `127.0.0.${nextAddress++}`;
    const pki = (f: string) => readFileSync(join(kube.dir, 'pki', f));
    const server = tls ? createHttpsServer({ cert: pki('serving.crt'), key: pki('serving.key') }, greeter(ip, true)) : createHttpServer(greeter(ip, false));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(MODEL_SERVER_PORT, ip, resolve);
    });
    servers.push(server);
    return ip;
  };

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['deployment-controller', 'replicaset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    net = kube.kc.makeApiClient(NetworkingV1Api);
    await registerNode(core, 'node-a', {}, { cpu: '8', memory: '32Gi' });
    onCluster = await startAtelierOnCluster(kube, NS, RUNTIME_IMAGE);
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    greeterModel = await importImageModel(t, 'greeter', greeterConfig, 'greeter');
    secureModel = await importImageModel(t, 'secure', secureConfig, 'secure-greeter');
  });
  after(async () => {
    await app?.close();
    await onCluster?.close();
    for (const s of servers) s.close();
    await kube?.stop();
  });

  const podsOf = async (id: string, modelId: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: `${resourceSelector('service', id)},${LABEL_MODEL}=${modelId}` })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  const freshPod = (id: string, modelId: string) =>
    until(`a new pod of ${modelId}`, async () =>
      (await podsOf(id, modelId)).find((p) => !p.status?.phase || (p.status.phase === 'Pending' && !p.status.conditions?.length)),
    );
  /** The pod runs, and its image answers at `ip`. */
  const run = async (pod: V1Pod, ip: string) => {
    const name = pod.metadata!.name!;
    const settled = await settlePod(core, NS, name, { kind: 'running' });
    settled.status = { ...settled.status, podIP: ip, podIPs: [{ ip }] };
    await core.replaceNamespacedPodStatus({ name, namespace: NS, body: settled });
  };
  const waitStatus = (id: string, status: string): Promise<Service> =>
    until(
      `${id} ${status}`,
      async () => {
        const s = await client.services.show(id);
        return s.status === status ? s : undefined;
      },
      40_000,
    );
  const eventsOf = async (id: string) => (await client.services.events(id, { order: 'asc' })).events.map((e) => `${e.event_type}: ${e.event_info}`);

  let id = '';

  it("deploys the model's own image with its port, health check and the workload isolation, staging nothing", async () => {
    ({ service_id: id } = await client.services.create({
      service_name: 'kube-greeter',
      infer_type: 'real-time',
      config: [{ model_id: greeterModel, weight: 100, instance_count: 1, ...small, envs: { GREETING: 'Hello' } }],
    }));
    const deployment = await until('the Deployment', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, greeterModel), namespace: NS }).catch(() => undefined),
    );
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    assert.equal(container.image, GREETER, "the model's swr_location runs, not the runtime image");
    assert.equal(container.command, undefined, "the image's own command starts it");
    assert.equal(container.args, undefined);
    assert.equal(pod.initContainers, undefined, 'nothing is staged: the image carries its model');
    assert.deepEqual(
      container.ports?.map((p) => p.containerPort),
      [8080],
    );
    assert.deepEqual(plain(container.readinessProbe?.httpGet), { path: '/healthz', port: 8080, scheme: 'HTTP' });
    assert.equal(container.readinessProbe?.initialDelaySeconds, 7);
    assert.equal(container.readinessProbe?.timeoutSeconds, 3);
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(container.livenessProbe?.initialDelaySeconds, 7);
    assert.ok(container.env?.some((e) => e.name === 'GREETING' && e.value === 'Hello'));
    assert.equal(container.resources?.limits?.cpu, '100m');
    assert.equal(container.resources?.limits?.memory, '128Mi');
    assert.deepEqual(container.resources?.requests, container.resources?.limits);
    // Isolation: its own ServiceAccount without a token, non-root, no privilege escalation, no capabilities.
    assert.equal(pod.serviceAccountName, serviceObjectName(id));
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.runAsUser, 1000);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(plain(container.securityContext?.capabilities?.drop), ['ALL']);
    // Relaxed for arbitrary images only, with a writable /tmp of their own.
    assert.equal(container.securityContext?.readOnlyRootFilesystem, false);
    assert.deepEqual(plain(container.volumeMounts), [{ name: 'tmp', mountPath: '/tmp' }]);
    assert.deepEqual(plain(pod.volumes), [{ name: 'tmp', emptyDir: {} }]);
    assert.equal(pod.terminationGracePeriodSeconds, 150, 'the 60 s wait and 90 s of requests the guide allows after SIGTERM');
    const policy = await net.readNamespacedNetworkPolicy({ name: serviceObjectName(id), namespace: NS });
    assert.deepEqual(
      policy.spec?.ingress?.[0]?.ports?.map((p) => p.port),
      [8080],
    );
    await core.readNamespacedServiceAccount({ name: serviceObjectName(id), namespace: NS });
    const service = await core.readNamespacedService({ name: serviceVersionName(id, greeterModel), namespace: NS });
    assert.equal(service.spec?.ports?.[0]?.targetPort, 8080);
    await assert.rejects(core.readNamespacedSecret({ name: serviceStagingName(id, greeterModel), namespace: NS }), 'no staging Secret');
    assert.ok((await eventsOf(id)).some((e) => e.includes(`image ${GREETER}`)));

    await run(await freshPod(id, greeterModel), await imageServer(false));
    await waitStatus(id, 'running');
    assert.ok((await eventsOf(id)).includes('normal: service is running'));
  });

  /** Mean time of `n` sequential predictions through the gateway, in ms. */
  const timed = async (svc: string, path: string, n: number): Promise<string> => {
    const started = performance.now();
    for (let i = 0; i < n; i++) await client.services.predict(svc, { path, body: { name: 'T' } });
    return ((performance.now() - started) / n).toFixed(2);
  };

  it("the gateway sends a prediction to the path of the image's api the caller names", async (ctx) => {
    const greeted = await client.services.predict<{ response: string; path: string; tls: boolean }>(id, { path: '/greet', body: { name: 'Tom' } });
    assert.deepEqual({ response: greeted.response, path: greeted.path, tls: greeted.tls }, { response: 'Hello, Tom!', path: '/greet', tls: false });
    ctx.diagnostic(`200 sequential predictions to /greet over HTTP through the gateway: ${await timed(id, '/greet', 200)} ms each`);
    // The path goes to the image as a URL path (encoded), with the caller's query.
    const twice = await client.services.predict<{ response: string; path: string }>(id, { path: '/greet twice', body: { name: 'Al' } });
    assert.deepEqual([twice.response, twice.path], ['Hello, Al! Hello, Al!', '/greet%20twice']);
    const queried = await client.http.call<{ url: string }>('POST', '/v1/infers/{service_id}/greet?lang=fr', {
      params: { service_id: id },
      rawBody: JSON.stringify({ name: 'Zoe' }),
    });
    assert.equal(queried.url, '/greet?lang=fr');
    const byDefault = await client.services.predict<{ called: string; name: string }>(id, { body: { name: 'Ann' } });
    assert.deepEqual([byDefault.called, byDefault.name], ['default', 'Ann']);
    // Each api's own request schema is checked before the image is called.
    await assert.rejects(client.services.predict(id, { path: '/greet', body: { nom: 'Tom' } }), apiFailure(400, 'ModelArts.0104', 'name'));
    // A path the model does not declare is refused, naming the ones it does.
    await assert.rejects(client.services.predict(id, { path: '/goodbye', body: { name: 'Tom' } }), apiFailure(400, 'ModelArts.0104', '/greet'));
    const logs = await client.services.instanceLogs(id, {});
    assert.equal(logs.total_count, 1);
    assert.ok(logs.instances[0]!.serving);
    assert.doesNotMatch(logs.instances[0]!.content, /stage-model/, "only the image's own log: nothing was staged");
  });

  it('an image whose api is https is called over TLS; one without a health check is probed on its port', async (ctx) => {
    const { service_id: secure } = await client.services.create({
      service_name: 'kube-secure-greeter',
      infer_type: 'real-time',
      config: [{ model_id: secureModel, weight: 100, instance_count: 1, ...small }],
    });
    const deployment = await until('the Deployment', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(secure, secureModel), namespace: NS }).catch(() => undefined),
    );
    const container = deployment.spec!.template.spec!.containers[0]!;
    assert.equal(container.image, SECURE);
    assert.deepEqual(plain(container.readinessProbe?.tcpSocket), { port: 8080 });
    assert.equal(container.readinessProbe?.httpGet, undefined);
    await run(await freshPod(secure, secureModel), await imageServer(true));
    await waitStatus(secure, 'running');
    const out = await client.services.predict<{ response: string; tls: boolean }>(secure, { path: 'v1/greet', body: { name: 'Eve' } });
    assert.deepEqual([out.response, out.tls], ['Hello, Eve!', true]);
    ctx.diagnostic(`200 sequential predictions over HTTPS (kept-alive TLS) through the gateway: ${await timed(secure, '/v1/greet', 200)} ms each`);
    await client.services.delete(secure);
  });

  it('an image whose config declares no apis is called at whatever path the caller names', async () => {
    const open = await importImageModel(t, 'open', { model_type: 'Image', model_algorithm: 'greeting', swr_location: GREETER }, 'open-greeter');
    const { service_id: svc } = await client.services.create({
      service_name: 'kube-open-greeter',
      infer_type: 'real-time',
      config: [{ model_id: open, weight: 100, instance_count: 1, ...small }],
    });
    await run(await freshPod(svc, open), await imageServer(false));
    await waitStatus(svc, 'running');
    assert.equal((await client.services.predict<{ response: string }>(svc, { path: '/v1/greet', body: { name: 'Ida' } })).response, 'Hello, Ida!');
    // What the image itself refuses comes back as the caller's error.
    await assert.rejects(client.services.predict(svc, { path: '/elsewhere', body: {} }), apiFailure(400, 'ModelArts.0104', 'no route /elsewhere'));
    await client.services.delete(svc);
  });

  it('an image that stops answering makes the service concerning; its pod gone, the Deployment replaces it', async () => {
    const [pod] = await podsOf(id, greeterModel);
    await settlePod(core, NS, pod!.metadata!.name!, { kind: 'exited', code: 1 });
    await waitStatus(id, 'concerning');
    await core.deleteNamespacedPod({ name: pod!.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
    await run(await freshPod(id, greeterModel), await imageServer(false));
    await waitStatus(id, 'running');
    assert.equal((await client.services.predict<{ response: string }>(id, { path: '/greet', body: { name: 'Bob' } })).response, 'Hello, Bob!');
  });

  it('after a restart, Atelier follows the Deployment again and the gateway still reaches the image at its paths', async () => {
    const before = await apps.readNamespacedDeployment({ name: serviceVersionName(id, greeterModel), namespace: NS });
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await until('adopted', async () => ((await eventsOf(id)).some((e) => e.includes('Atelier restarted: following')) ? true : undefined));
    const same = await apps.readNamespacedDeployment({ name: serviceVersionName(id, greeterModel), namespace: NS });
    assert.equal(same.metadata?.uid, before.metadata?.uid, 'the same Deployment, not a second one');
    assert.equal((await client.services.show(id)).status, 'running');
    assert.equal((await client.services.predict<{ response: string }>(id, { path: '/greet', body: { name: 'Max' } })).response, 'Hello, Max!');
  });

  it('a health check the cluster cannot run is refused when the service is created, saying what is wrong', async () => {
    const bad = await importImageModel(t, 'bad-health', { ...greeterConfig, health: { url: '/healthz', initial_delay_seconds: 'soon' } }, 'bad-health', client);
    await assert.rejects(
      client.services.create({
        service_name: 'kube-bad-health',
        infer_type: 'real-time',
        config: [{ model_id: bad, weight: 100, instance_count: 1, ...small }],
      }),
      apiFailure(400, 'ModelArts.3589', 'initial_delay_seconds'),
    );
  });

  it('deleting the service removes its Deployment and Service', async () => {
    await client.services.delete(id);
    await until('the Deployment gone', async () =>
      (await apps.readNamespacedDeployment({ name: serviceVersionName(id, greeterModel), namespace: NS }).then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
  });
});

describe('Image models on the local executor', () => {
  it('are refused with the ModelArts error: this host has no container runtime', async () => {
    const t = await startTestApp();
    try {
      t.atelier.startBackground();
      const model = await importImageModel(t, 'local', greeterConfig, 'local-greeter');
      await assert.rejects(
        t.client.services.create({
          service_name: 'local-img',
          infer_type: 'real-time',
          config: [{ model_id: model, weight: 100, instance_count: 1, ...small }],
        }),
        apiFailure(400, 'ModelArts.3589', 'container runtime'),
      );
      assert.equal((await t.client.services.list()).total_count, 0);
    } finally {
      await t.close();
    }
  });
});
