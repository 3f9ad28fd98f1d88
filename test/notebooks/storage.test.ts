// OBS folders mounted on a notebook instance (#92-95), the step 4 end to end: a folder
// attached to a running instance appears at its mount path in the working directory, the kernel
// reads what is there and what it writes (or deletes) is an object at once (the fs store: LIVE);
// stop copies back and takes the folder out, start mounts it again; detach copies back and removes
// it. Bad input, a foreign bucket, a stopped instance and another project are refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, execute, notebookEnv, startKernel, waitFor, waitGone } from './helpers.ts';

const BUCKET = 'mount-bucket';
const FOREIGN = 'foreign-mount-bucket';
const AT = '/home/ma-user/work/obs/data/';

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('OBS storage mounted on a notebook', () => {
  let t: TestApp;
  let other: AtelierClient;
  let nb: { id: string; url: string; token: string };
  let kernel: string;
  let mountId: string;

  const objects = () => t.atelier.context.objectStore;
  const work = () => join(t.config.dataDir, 'notebooks', nb.id, 'work');
  const object = async (key: string) => ((await objects().exists(BUCKET, key)) ? objects().readText(BUCKET, key, 1 << 20) : undefined);
  const mountIs = (status: string) =>
    eventually(`mount ${status}`, async () => {
      const m = await t.client.notebooks.storage.get(nb.id, mountId);
      if (m.status === 'MOUNT_FAILED' || m.status === 'UNMOUNT_FAILED') assert.fail(`${m.status}: ${m.fail_reason ?? ''}`);
      return m.status === status ? m : undefined;
    });

  before(async () => {
    t = await startTestApp(await notebookEnv());
    other = await t.newTenant('mount-other');
    await objects().ensureBucket(BUCKET);
    await objects().put(BUCKET, 'data/in.txt', 'from OBS');
    await objects().put(BUCKET, 'data/sub/deep.csv', 'a,b\n1,2\n');
    await objects().put(BUCKET, 'elsewhere/keep.txt', 'not mounted');
    await t.atelier.context.buckets.create((await t.atelier.context.identity.domain('mount-other'))!.id, FOREIGN);
    const created = await t.client.notebooks.create({
      name: 'mounts',
      flavor: FLAVOR,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
    const running = await waitFor(t.client, created.id, ['RUNNING']);
    nb = { id: created.id, url: running.url, token: running.token };
    kernel = await startKernel(nb.url, nb.token);
  });

  after(async () => {
    if (nb) {
      await t.client.notebooks.delete(nb.id).catch(() => undefined);
      await waitGone(t.client, nb.id).catch(() => undefined);
    }
    await t.close();
  });

  test('attach: the folder appears at its mount path; the kernel reads it, and what it writes or deletes is an object at once (step 4)', async () => {
    const m = await t.client.notebooks.storage.attach(nb.id, { category: 'OBS', uri: `obs://${BUCKET}/data/`, mount_path: AT });
    mountId = m.id;
    assert.deepEqual({ ...m, id: '' }, { id: '', category: 'OBS', uri: `obs://${BUCKET}/data/`, mount_path: AT, status: 'MOUNTING', sync_mode: 'LIVE' });
    await mountIs('MOUNTED');
    const list = await t.client.notebooks.storage.list(nb.id);
    assert.equal(list.total, 1);
    assert.equal(list.data[0]?.id, mountId);
    assert.equal(list.data[0]?.status, 'MOUNTED');

    assert.equal(await execute(nb.url, nb.token, kernel, "open('obs/data/in.txt').read()"), "'from OBS'");
    assert.equal(await execute(nb.url, nb.token, kernel, "open('obs/data/sub/deep.csv').read()"), "'a,b\\n1,2\\n'");
    assert.equal(existsSync(join(work(), 'obs/data/keep.txt')), false, 'only the mounted folder is copied');

    const wrote = Date.now();
    await execute(nb.url, nb.token, kernel, "open('obs/data/out.txt','w').write('from the kernel')");
    assert.equal(await eventually('out.txt as an object', () => object('data/out.txt'), 5000), 'from the kernel');
    assert.ok(Date.now() - wrote < 3000, `the object appeared ${Date.now() - wrote} ms after the write`);
    await execute(nb.url, nb.token, kernel, "import os; os.makedirs('obs/data/new/dir', exist_ok=True); open('obs/data/new/dir/x.txt','w').write('x')");
    assert.equal(await eventually('a file in a new folder as an object', () => object('data/new/dir/x.txt'), 5000), 'x');
    await execute(nb.url, nb.token, kernel, "import os; os.remove('obs/data/sub/deep.csv')");
    await eventually('the deleted file gone from OBS', async () => ((await objects().exists(BUCKET, 'data/sub/deep.csv')) ? undefined : true), 5000);
    assert.equal(await object('elsewhere/keep.txt'), 'not mounted');
  });

  test('bad input: the same folder twice, a path outside the volume, .., NUL, a foreign bucket; nothing stored', async () => {
    const attach = (body: { uri: string; mount_path?: string; category?: 'OBS' | 'OBSFS' }) => t.client.notebooks.storage.attach(nb.id, body);
    await assert.rejects(attach({ uri: `obs://${BUCKET}/data/`, mount_path: '/home/ma-user/work/again/' }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(attach({ uri: `/${BUCKET}/data`, mount_path: '/home/ma-user/work/again/' }), apiFailure(400, 'ModelArts.0104', 'already mounted'));
    await assert.rejects(attach({ uri: `obs://${BUCKET}/data/sub/`, mount_path: '/home/ma-user/work/again/' }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: AT }), apiFailure(400, 'ModelArts.0104', 'mount_path'));
    await assert.rejects(attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: `${AT}inner/` }), apiFailure(400, 'ModelArts.0104', 'mount_path'));
    for (const mount_path of [
      '/data/wang/',
      '/etc/',
      '/home/ma-user/work/',
      '/home/ma-user/work/../x/',
      '/home/ma-user/work/a//b/',
      '/home/ma-user/work/a\u0000b/',
      'relative/',
    ])
      await assert.rejects(attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path }), apiFailure(400, 'ModelArts.0104', 'mount_path'), mount_path);
    await assert.rejects(attach({ uri: `obs://${BUCKET}/a/../b/` }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(attach({ uri: 'obs://Bad_Bucket/x/' }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(attach({ uri: `obs://${FOREIGN}/x/`, mount_path: '/home/ma-user/work/foreign/' }), apiFailure(403, 'ModelArts.4310', FOREIGN));
    await assert.rejects(t.client.notebooks.storage.attach(nb.id, {} as { uri: string }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(
      t.client.notebooks.storage.attach(nb.id, { uri: `obs://${BUCKET}/x/`, category: 'NFS' as 'OBS' }),
      apiFailure(400, 'ModelArts.0104', 'category'),
    );
    // a folder that already holds files in the volume
    await execute(nb.url, nb.token, kernel, "import os; os.makedirs('full', exist_ok=True); open('full/f.txt','w').write('mine')");
    await assert.rejects(
      attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: '/home/ma-user/work/full/' }),
      apiFailure(400, 'ModelArts.0104', 'already holds'),
    );
    await assert.rejects(t.client.notebooks.storage.get(nb.id, 'no-such-mount'), apiFailure(404, 'ModelArts.6624'));
    await assert.rejects(t.client.notebooks.storage.detach(nb.id, 'no-such-mount'), apiFailure(404, 'ModelArts.6624'));
    assert.equal((await t.client.notebooks.storage.list(nb.id)).total, 1, 'nothing stored');
  });

  test('another project: the instance and its mounts are invisible (404)', async () => {
    await assert.rejects(other.notebooks.storage.list(nb.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.get(nb.id, mountId), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.detach(nb.id, mountId), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.attach(nb.id, { uri: `obs://${FOREIGN}/x/` }), apiFailure(404, 'ModelArts.6309'));
    assert.equal((await t.client.notebooks.storage.get(nb.id, mountId)).status, 'MOUNTED');
  });

  test('stop copies back and takes the folder out (UNMOUNTED); attach is refused while stopped; start mounts it again', async () => {
    // written just before the stop: it reaches OBS before the instance is STOPPED
    await execute(nb.url, nb.token, kernel, "open('obs/data/late.txt','w').write('late')");
    await t.client.notebooks.stop(nb.id);
    await waitFor(t.client, nb.id, ['STOPPED']);
    assert.equal((await t.client.notebooks.storage.get(nb.id, mountId)).status, 'UNMOUNTED');
    assert.equal(existsSync(join(work(), 'obs/data')), false, 'the folder left the volume');
    assert.equal(await object('data/late.txt'), 'late');
    await assert.rejects(
      t.client.notebooks.storage.attach(nb.id, { uri: `obs://${BUCKET}/elsewhere/`, mount_path: '/home/ma-user/work/other/' }),
      apiFailure(400, 'ModelArts.6327'),
    );
    await objects().put(BUCKET, 'data/while-stopped.txt', 'put while stopped');
    await t.client.notebooks.start(nb.id);
    await waitFor(t.client, nb.id, ['RUNNING']);
    await mountIs('MOUNTED');
    kernel = await startKernel(nb.url, nb.token);
    assert.equal(await execute(nb.url, nb.token, kernel, "open('obs/data/while-stopped.txt').read()"), "'put while stopped'");
    assert.equal(await execute(nb.url, nb.token, kernel, "open('obs/data/out.txt').read()"), "'from the kernel'");
    assert.equal(await execute(nb.url, nb.token, kernel, "import os; os.path.exists('obs/data/sub/deep.csv')"), 'False');
    await execute(nb.url, nb.token, kernel, "open('obs/data/again.txt','w').write('again')");
    assert.equal(await eventually('again.txt as an object', () => object('data/again.txt'), 5000), 'again');
  });

  test('detach: UNMOUNTING, copied back, the folder leaves the volume, the objects stay', async () => {
    const d = await t.client.notebooks.storage.detach(nb.id, mountId);
    assert.equal(d.status, 'UNMOUNTING');
    assert.equal(d.mount_path, AT);
    await eventually('the mount gone', async () => {
      try {
        await t.client.notebooks.storage.get(nb.id, mountId);
        return undefined;
      } catch {
        return true;
      }
    });
    assert.equal(existsSync(join(work(), 'obs/data')), false);
    assert.equal((await t.client.notebooks.storage.list(nb.id)).total, 0);
    assert.equal(await object('data/out.txt'), 'from the kernel');
    assert.equal(await object('data/again.txt'), 'again');
    // the default mount path: data/<last part of the folder>
    const m = await t.client.notebooks.storage.attach(nb.id, { uri: `obs://${BUCKET}/elsewhere/` });
    assert.equal(m.mount_path, '/home/ma-user/work/data/elsewhere/');
    mountId = m.id;
    await mountIs('MOUNTED');
    assert.equal(await execute(nb.url, nb.token, kernel, "open('data/elsewhere/keep.txt').read()"), "'not mounted'");
  });
});
