// RegisterImage on an Atelier started with --executor kubernetes, against a real API server: a container image
// reference is registered as an ACTIVE DEDICATED image (architecture from the cluster's nodes unless the request gives
// one), listed and shown with the spec's fields; a notebook created from it runs that image in its StatefulSet while a
// built-in image keeps --kube-image; a training job naming it (by ID or swr_path) runs it; a local path is refused.
// An Atelier on the local executor over the same database starts nothing from it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import S3rver from 's3rver';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { notebookObjectName } from '#src/runtime/kubernetes/notebook-manifest.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { builtInImage, FLAVOR } from '../../notebooks/helpers.ts';
import { registerNode, settlePod } from './test-kubelet.ts';

const NS = 'atelier-images';
const BUCKET = 'kube-images';
const KUBE_IMAGE = 'registry.example/atelier-runtime:1';
const CUSTOM = 'swr.example.com:5000/team/vision/notebook-cv:2.1';
const DIGEST = `registry.example/team/trainer@sha256:${'ab'.repeat(32)}`;

describe('RegisterImage on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  let s3: S3rver;
  let s3dir: string;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let other: AtelierClient;
  let imageId = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    // An Arm node: a registered image is the cluster's architecture unless the request says otherwise.
    await registerNode(core, 'node-a', { 'kubernetes.io/arch': 'arm64' }, { cpu: '8', memory: '32Gi' });
    s3dir = mkdtempSync(join(tmpdir(), 'regimg-s3rver-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await s3.run()) as { port: number };
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: KUBE_IMAGE,
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
    });
    app = t.atelier;
    client = t.client;
    other = await t.newTenant('regimg-other');
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
    await kube?.stop();
  });

  it('registers a container image reference as an ACTIVE DEDICATED image, with what the reference says', async () => {
    const image = await client.images.register({ swr_path: CUSTOM, description: 'vision notebook', services: ['NOTEBOOK', 'SSH'] });
    imageId = image.id;
    assert.equal(image.status, 'ACTIVE');
    assert.equal(image.type, 'DEDICATED');
    assert.equal(image.origin, 'CUSTOMIZE');
    assert.equal(image.swr_path, CUSTOM);
    assert.equal(image.name, 'notebook-cv');
    assert.equal(image.tag, '2.1');
    assert.equal(image.namespace, 'team/vision');
    assert.equal(image.arch, 'AARCH64', "the cluster's node is arm64");
    assert.equal(image.size, 0, 'nothing was pulled');
    assert.deepEqual(image.dev_services, ['NOTEBOOK', 'SSH']);
    assert.deepEqual(image.support_res_categories, ['CPU']);
    assert.match(image.status_message, /cluster pulls/);

    const byDigest = await client.images.register({ swr_path: DIGEST, arch: 'X86_64' });
    assert.equal(byDigest.arch, 'X86_64', 'the request wins');
    assert.equal(byDigest.name, 'trainer');
    assert.equal(byDigest.tag, 'abababababab');
    assert.equal(byDigest.namespace, 'team');

    const shown = await client.images.show(imageId);
    assert.deepEqual(shown, image);
    const listed = await client.images.list({ type: 'DEDICATED' });
    const item = listed.data.find((i) => i.id === imageId);
    assert.ok(item, JSON.stringify(listed.data.map((i) => i.id)));
    assert.equal(item.swr_path, CUSTOM);
    assert.equal('support_res_categories' in item, false);
    await assert.rejects(other.images.show(imageId), apiFailure(404, 'ModelArts.6309'));
  });

  it('refuses the same reference twice, a malformed one, and a local path (a pod cannot use it)', async () => {
    await assert.rejects(client.images.register({ swr_path: CUSTOM }), apiFailure(400, 'ModelArts.6336', 'already registered'));
    await assert.rejects(client.images.register({ swr_path: 'Team/Bad Image:1' }), apiFailure(400, 'ModelArts.6336', 'container image reference'));
    await assert.rejects(client.images.register({ swr_path: '/usr' }), apiFailure(400, 'ModelArts.6336', 'swr_path'));
    await assert.rejects(
      client.images.register({ swr_path: '/usr' }),
      apiFailure(400, 'ModelArts.6336', 'cannot use a Python environment on the Atelier host'),
    );
  });

  const statefulSetImage = async (id: string) => {
    const set = await until('the StatefulSet', () => apps.readNamespacedStatefulSet({ name: notebookObjectName(id), namespace: NS }).catch(() => undefined));
    return set.spec?.template.spec?.containers[0]?.image;
  };

  it("a notebook of the registered image runs that image; a built-in image's runs --kube-image", async () => {
    const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 5 };
    const custom = await client.notebooks.create({ name: 'nb-custom', flavor: FLAVOR, image_id: imageId, volume });
    assert.equal(custom.image.id, imageId);
    assert.equal(await statefulSetImage(custom.id), CUSTOM);
    const plain = await client.notebooks.create({ name: 'nb-plain', flavor: FLAVOR, image_id: builtInImage().id, volume });
    assert.equal(await statefulSetImage(plain.id), KUBE_IMAGE);
    // An image a notebook uses stays.
    await assert.rejects(client.images.delete(imageId), apiFailure(400, 'ModelArts.6344'));
    for (const id of [custom.id, plain.id]) await client.notebooks.delete(id);
  });

  const jobOf = (id: string) =>
    until(
      `the Job of ${id}`,
      async (): Promise<V1Job | undefined> => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items[0],
    );
  const trainingJob = async (name: string, imageUrl: string) =>
    (
      await client.training.createJob({
        kind: 'job',
        metadata: { name },
        algorithm: { code_dir: `/${BUCKET}/code/`, boot_file: `/${BUCKET}/code/train.py`, engine: { image_url: imageUrl } },
        spec: { resource: { flavor_id: FLAVOR, node_count: 1 } },
      })
    ).metadata.id;

  it('a training job naming the registered image, by ID or by swr_path, runs it', async () => {
    const byId = await trainingJob('by-id', imageId);
    const job = await jobOf(byId);
    assert.equal(job.spec?.template.spec?.containers.find((c) => c.name === 'worker')?.image ?? job.spec?.template.spec?.containers[0]?.image, CUSTOM);
    const pod = await until(
      'a pod',
      async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', byId) })).items[0],
    );
    assert.ok(
      pod.spec?.containers.some((c) => c.image === CUSTOM),
      'the pod runs the registered image',
    );
    await settlePod(core, NS, pod.metadata!.name!, { kind: 'running' });
    await until('Running', async () => ((await client.training.getJob(byId)).status.phase === 'Running' ? true : undefined));
    assert.equal((await client.training.getJob(byId)).algorithm.engine?.image_url, imageId, 'the job answers the image_url it was given');

    const byPath = await trainingJob('by-path', DIGEST);
    assert.ok((await jobOf(byPath)).spec?.template.spec?.containers.some((c) => c.image === DIGEST));
    for (const id of [byId, byPath]) await client.training.deleteJob(id);
  });

  it('an Atelier on the local executor over the same database shows the image but starts nothing from it', async () => {
    await app.close();
    const local = await restartedApp({ ...t, config: { ...t.config, executor: 'local' } });
    try {
      assert.equal((await local.client.images.show(imageId)).swr_path, CUSTOM);
      const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 5 };
      await assert.rejects(
        local.client.notebooks.create({ name: 'nb-local', flavor: FLAVOR, image_id: imageId, volume }),
        apiFailure(400, 'ModelArts.0104', `no image ${imageId} is available`),
      );
      await assert.rejects(
        local.client.training.createJob({
          kind: 'job',
          metadata: { name: 'local-job' },
          algorithm: { code_dir: `/${BUCKET}/code/`, boot_file: `/${BUCKET}/code/train.py`, engine: { image_url: imageId } },
          spec: { resource: { flavor_id: FLAVOR, node_count: 1 } },
        }),
        apiFailure(400, 'ModelArts.0104', 'image_url'),
      );
      await assert.rejects(local.client.images.register({ swr_path: 'swr.example.com/team/other:1' }), apiFailure(400, 'ModelArts.6361'));
    } finally {
      await local.atelier.close();
    }
  });
});
