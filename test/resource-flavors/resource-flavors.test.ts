import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

// The pool is bounded to 6 GiB so the 2-core slice is cut by memory (min(2 x 4 GiB, 6 GiB)).
const POOL_MB = 6144;

describe('resource flavors (#156)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_MEMORY_MB: String(POOL_MB) });
  });
  after(() => t.close());

  test("slices of the local pool: 1, 2, 4... cores, 4 GiB a core bounded by the pool's memory", async () => {
    const res = await t.client.resourceFlavors.list();
    assert.equal(res.apiVersion, 'v1');
    assert.equal(res.kind, 'ResourceFlavorList');
    assert.deepEqual(res.metadata, {});
    const expected: string[] = [];
    for (let c = 1; c <= cpus().length; c *= 2) expected.push(`modelarts.vm.cpu.${c}u`);
    assert.deepEqual(
      res.items.map((f) => f.metadata.name),
      expected,
    );
    for (const f of res.items) {
      const cores = Number(f.spec.cpu);
      assert.equal(f.kind, 'ResourceFlavor');
      assert.equal(f.spec.memory, `${Math.floor(Math.min(cores * 4096, POOL_MB) / 1024)}Gi`);
      assert.equal(f.spec.type, 'Dedicate');
      assert.deepEqual(f.spec.billingModes, [0]);
      assert.equal(f.spec.gpu, undefined, 'no GPU flavors: this host gives none');
      assert.equal(f.spec.npu, undefined);
      assert.equal(f.metadata.labels['os.modelarts/scope'], 'Train,Infer,Notebook');
      assert.match(f.spec.dataVolumes[0]?.size ?? '', /^\d+Gi$/);
      assert.deepEqual(Object.values(f.status.phase), ['normal'], 'nothing runs: every slice fits');
      // A slice runs the training flavors no larger than itself.
      assert.deepEqual(
        f.spec.jobFlavors,
        expected.filter((n) => Number(/(\d+)u$/.exec(n)?.[1]) <= cores),
      );
    }
  });

  test('the same ids and sizes as the training and notebook flavors', async () => {
    const { items } = await t.client.resourceFlavors.list();
    const training = await t.client.training.flavors();
    const notebook = await t.client.notebooks.flavors();
    assert.deepEqual(
      items.map((f) => f.metadata.name),
      training.flavors.map((f) => f.flavor_id),
    );
    assert.deepEqual(
      items.map((f) => f.metadata.name),
      notebook.flavors.map((f) => f.id).sort(),
    );
    for (const f of items) {
      const tr = training.flavors.find((x) => x.flavor_id === f.metadata.name);
      const nb = notebook.flavors.find((x) => x.id === f.metadata.name);
      assert.equal(Number(f.spec.cpu), tr?.flavor_info?.cpu?.core_num);
      assert.equal(Number(f.spec.cpu), nb?.vcpus);
      assert.equal(f.spec.memory, `${tr?.flavor_info?.memory?.size}Gi`);
      assert.equal(f.spec.memory, `${Math.floor((nb?.memory ?? 0) / 1024)}Gi`);
      assert.equal(f.spec.dataVolumes[0]?.size, `${tr?.flavor_info?.disk?.size}Gi`);
    }
  });

  test('paging: limit and continue, remainingItemCount', async () => {
    const all = (await t.client.resourceFlavors.list()).items.map((f) => f.metadata.name);
    const seen: string[] = [];
    let page = await t.client.resourceFlavors.list({ limit: 1 });
    seen.push(...page.items.map((f) => f.metadata.name));
    while (page.metadata.continue !== undefined) {
      assert.equal(page.metadata.remainingItemCount, all.length - seen.length);
      page = await t.client.resourceFlavors.list({ limit: 1, continue: page.metadata.continue });
      assert.equal(page.items.length, 1);
      seen.push(...page.items.map((f) => f.metadata.name));
    }
    assert.deepEqual(page.metadata, {});
    assert.deepEqual(seen, all);
  });

  test('labelSelector filters on the labels', async () => {
    const all = (await t.client.resourceFlavors.list()).items.length;
    for (const sel of ['os.modelarts/scope=Train', 'os.modelarts/scope in (Notebook,Other)', 'os.modelarts/scope', '']) {
      assert.equal((await t.client.resourceFlavors.list({ labelSelector: sel })).items.length, all, sel);
    }
    for (const sel of ['os.modelarts/scope=Other', 'os.modelarts/scope!=Infer', '!os.modelarts/scope', 'os.modelarts/scope notin (Train)', 'gpu=yes']) {
      assert.deepEqual((await t.client.resourceFlavors.list({ labelSelector: sel })).items, [], sel);
    }
  });

  test('bad input: a malformed selector, an unknown continue, limit out of bounds', async () => {
    await assert.rejects(t.client.resourceFlavors.list({ labelSelector: 'scope ~ Train' }), apiFailure(400, 'ModelArts.0104', 'labelSelector'));
    await assert.rejects(t.client.resourceFlavors.list({ labelSelector: 'os.modelarts/scope in Train' }), apiFailure(400, 'ModelArts.0104', 'labelSelector'));
    await assert.rejects(t.client.resourceFlavors.list({ continue: 'modelarts.vm.gpu.t4' }), apiFailure(400, 'ModelArts.0104', 'continue'));
    for (const limit of [0, 501]) await assert.rejects(t.client.resourceFlavors.list({ limit }), apiFailure(400, 'ModelArts.0104', 'limit'));
    assert.equal((await t.client.http.raw('GET', '/v1/{project_id}/resourceflavors?limit=x')).status, 400);
  });

  test("another project sees the same flavors: they are the host's, not a project's resources", async () => {
    const other = await t.newTenant('flavors-other');
    const mine = await t.client.resourceFlavors.list();
    const theirs = await other.resourceFlavors.list();
    assert.deepEqual(theirs, mine);
  });
});
