// An Image model imported from a container image reference (no package in OBS: initial_config declares its apis) and
// served on the kubernetes executor, against a real API server with the Deployment and ReplicaSet controllers
// (test-kubelet stands in for the kubelet). The gateway calls each of the image's apis with the method its config
// declares: GET with the caller's query string, PUT with a checked body, DELETE, and POST as before; a method or path
// the model does not declare is refused naming what it declares. A small HTTP server at the pod's address and port 8080
// stands in for the image and echoes what it received.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { Value } from 'typebox/value';
import type { AtelierClient } from '#src/client/index.ts';
import { ListModelsResponse, ModelDetail } from '#src/modules/models/schemas.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_MODEL, MODEL_SERVER_PORT, serviceVersionName } from '#src/runtime/kubernetes/service-manifest.ts';
import { apiFailure, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode, settlePod } from './test-kubelet.ts';

const NS = 'atelier-image-apis';
const SHELF = 'swr.cn-north-4.myhuaweicloud.com/team/shelf:1.0';
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };
const json = { 'Content-type': 'application/json' };
const named = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
const api = (method: string, url: string, data: object = {}) => ({
  protocol: 'http',
  url,
  method,
  request: { ...json, data },
  response: { ...json, data: {} },
});

/** config.json of the shelf image, given as initial_config: it names no swr_location (source_location is the image). */
const shelfConfig = {
  model_type: 'Image',
  model_algorithm: 'shelf',
  apis: [
    api('get', '/items'),
    api('put', '/items', named),
    api('delete', '/items'),
    api('post', '/greet', named),
    api('get', '/'),
    api('put', '/'),
    api('delete', '/'),
  ],
  health: { url: '/healthz', protocol: 'http' },
};

interface Echo {
  method: string;
  url: string;
  contentType: string | null;
  body: string;
}

/** The image's server: it answers every request with what it received. */
function echo(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const out: Echo = {
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'] ?? null,
      body: Buffer.concat(chunks).toString(),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  });
}

describe('an Image model from an image reference, its apis called with their own methods', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let client: AtelierClient;
  let server: Server | undefined;
  let modelId = '';
  let id = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['deployment-controller', 'replicaset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    await registerNode(core, 'node-a', {}, { cpu: '8', memory: '32Gi' });
    onCluster = await startAtelierOnCluster(kube, NS, 'registry.example/atelier-runtime:1');
    t = onCluster.t;
    client = t.client;
  });
  after(async () => {
    await onCluster?.close();
    server?.close();
    await kube?.stop();
  });

  it('imports the model from the reference: published at once, shown with the image as its source', async () => {
    ({ model_id: modelId } = await client.models.create({
      model_name: 'shelf',
      model_version: '1.0.0',
      model_type: 'Image',
      source_location: SHELF,
      source_copy: 'true',
      initial_config: JSON.stringify(shelfConfig),
      install_type: ['real-time'],
    }));
    const m = await client.models.show(modelId);
    assert.ok(Value.Check(ModelDetail, m), JSON.stringify([...Value.Errors(ModelDetail, m)].slice(0, 3)));
    assert.deepEqual(
      [m.model_status, m.model_type, m.source_location, m.source_copy, m.model_size, m.runtime, m.install_type],
      ['published', 'Image', SHELF, 'false', 0, '', ['real-time']],
    );
    const config = JSON.parse(m.config) as { swr_location: string; apis: { method: string; url: string }[] };
    assert.equal(config.swr_location, SHELF, 'the reference stands for swr_location');
    assert.deepEqual(
      config.apis.map((a) => `${a.method} ${a.url}`),
      ['get /items', 'put /items', 'delete /items', 'post /greet', 'get /', 'put /', 'delete /'],
    );
    assert.equal(m.input_params.length, 7);
    const list = await client.models.list({ model_type: 'Image' });
    assert.ok(Value.Check(ListModelsResponse, list));
    assert.deepEqual(
      list.models.map((x) => [x.model_id, x.source_copy, x.model_status]),
      [[modelId, 'false', 'published']],
    );
    // The name and version are taken now, as for any import.
    await assert.rejects(
      client.models.create({
        model_name: 'shelf',
        model_version: '1.0.0',
        model_type: 'Image',
        source_location: SHELF,
        initial_config: JSON.stringify(shelfConfig),
      }),
      apiFailure(409, 'ModelArts.3002'),
    );
  });

  const podsOf = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: `${resourceSelector('service', id)},${LABEL_MODEL}=${modelId}` })).items;

  it('deploys as a real-time service running the referenced image, nothing staged', async () => {
    ({ service_id: id } = await client.services.create({
      service_name: 'shelf',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    }));
    const deployment = await until('the Deployment', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, modelId), namespace: NS }).catch(() => undefined),
    );
    const pod = deployment.spec!.template.spec!;
    assert.equal(pod.containers[0]!.image, SHELF);
    assert.equal(pod.initContainers, undefined);
    assert.equal(pod.containers[0]!.readinessProbe?.httpGet?.path, '/healthz');
    const ip = '127.0.0.41';
    server = createServer(echo);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(MODEL_SERVER_PORT, ip, resolve);
    });
    const fresh = await until('its pod', async () => (await podsOf())[0]);
    const settled = await settlePod(core, NS, fresh.metadata!.name!, { kind: 'running' });
    settled.status = { ...settled.status, podIP: ip, podIPs: [{ ip }] };
    await core.replaceNamespacedPodStatus({ name: fresh.metadata!.name!, namespace: NS, body: settled });
    await until('running', async () => ((await client.services.show(id)).status === 'running' ? true : undefined), 40_000);
  });

  it('a GET api gets the query string and no body; DELETE no body; PUT and POST their checked bodies', async () => {
    const got = await client.services.predict<Echo>(id, { method: 'GET', path: '/items', query: { shelf: 'top', n: 2 } });
    // The client sends the query in the signature's (sorted) order; it reaches the image as sent.
    assert.deepEqual(got, { method: 'GET', url: '/items?n=2&shelf=top', contentType: null, body: '' });
    // HEAD is the GET api's answer without its body.
    const head = await client.http.raw('HEAD', '/v1/infers/{service_id}/items', { params: { service_id: id } });
    assert.deepEqual([head.status, head.text], [200, '']);
    // At the service's own address: the apis at "/".
    const root = await client.services.predict<Echo>(id, { method: 'GET' });
    assert.deepEqual([root.method, root.url], ['GET', '/']);
    const rootPut = await client.services.predict<Echo>(id, { method: 'PUT', body: { shelves: 3 } });
    assert.deepEqual([rootPut.method, rootPut.url, JSON.parse(rootPut.body)], ['PUT', '/', { shelves: 3 }]);
    const rootDelete = await client.services.predict<Echo>(id, { method: 'DELETE' });
    assert.deepEqual([rootDelete.method, rootDelete.url, rootDelete.body], ['DELETE', '/', '']);
    const deleted = await client.services.predict<Echo>(id, { method: 'DELETE', path: 'items', query: { id: '7' } });
    assert.deepEqual(deleted, { method: 'DELETE', url: '/items?id=7', contentType: null, body: '' });
    const put = await client.services.predict<Echo>(id, { method: 'PUT', path: '/items', body: { name: 'jar' } });
    assert.deepEqual([put.method, put.url, put.contentType, JSON.parse(put.body)], ['PUT', '/items', 'application/json', { name: 'jar' }]);
    const posted = await client.services.predict<Echo>(id, { path: '/greet', body: { name: 'Ann' } });
    assert.deepEqual([posted.method, posted.url, JSON.parse(posted.body)], ['POST', '/greet', { name: 'Ann' }]);
    // The PUT api's request schema is checked before the image is called, as a POST api's.
    await assert.rejects(client.services.predict(id, { method: 'PUT', path: '/items', body: { nom: 'jar' } }), apiFailure(400, 'ModelArts.0104', 'name'));
  });

  it('a method or path the model does not declare is refused naming the apis it declares', async () => {
    const declared = 'GET /items, PUT /items, DELETE /items, POST /greet, GET /, PUT /, DELETE /';
    await assert.rejects(client.services.predict(id, { method: 'GET', path: '/greet' }), apiFailure(400, 'ModelArts.0104', declared));
    await assert.rejects(client.services.predict(id, { path: '/items', body: { name: 'x' } }), apiFailure(400, 'ModelArts.0104', 'POST /items is not an api'));
    await assert.rejects(client.services.predict(id, { method: 'DELETE', path: '/greet' }), apiFailure(400, 'ModelArts.0104', declared));
    await assert.rejects(client.services.predict(id, { method: 'PUT', path: '/elsewhere', body: { name: 'x' } }), apiFailure(400, 'ModelArts.0104', declared));
    // A DELETE carries no body.
    await assert.rejects(
      client.services.predict(id, { method: 'DELETE', path: '/items', body: { id: 7 } }),
      apiFailure(400, 'ModelArts.0104', 'takes no body'),
    );
  });

  it("another project's caller finds no such service, whatever the method", async () => {
    const other = await t.newTenant('image-apis-other');
    for (const method of ['GET', 'PUT', 'DELETE', 'POST'] as const) {
      await assert.rejects(
        other.services.predict(id, { method, path: '/items', ...(method === 'PUT' ? { body: { name: 'x' } } : {}) }),
        apiFailure(404, 'ModelArts.3502'),
      );
    }
    await assert.rejects(other.models.show(modelId), apiFailure(404, 'ModelArts.3001'));
  });

  it('once the service is gone the model is deleted: there is no package to remove', async () => {
    await client.services.delete(id);
    const gone = () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, modelId), namespace: NS }).then(
        () => undefined,
        () => true,
      );
    await until('the Deployment gone', gone);
    const out = await client.models.delete(modelId);
    assert.deepEqual(out, { delete_success_list: [modelId], delete_failed_list: [] });
    await assert.rejects(client.models.show(modelId), apiFailure(404, 'ModelArts.3001'));
  });
});
