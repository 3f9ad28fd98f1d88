// OBS storage of notebooks with the s3 object store (s3rver in this process): the mount's
// sync_mode is COPY, so what the kernel writes reaches OBS at stop or detach, not before.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, execute, notebookEnv, startKernel, waitFor, waitGone } from './helpers.ts';

const BUCKET = 'copy-mount-bucket';

describe('OBS storage mounted on a notebook, s3 store (COPY)', () => {
  let t: TestApp;
  let s3dir: string;
  let server: S3rver;
  let nb: { id: string; url: string; token: string } | undefined;

  const objects = () => t.atelier.context.objectStore;
  const object = async (key: string) => ((await objects().exists(BUCKET, key)) ? objects().readText(BUCKET, key, 1 << 20) : undefined);

  before(async () => {
    s3dir = mkdtempSync(join(tmpdir(), 'atelier-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await server.run()) as { port: number };
    t = await startTestApp(
      await notebookEnv({
        ATELIER_OBJECT_STORE: 's3',
        ATELIER_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        ATELIER_S3_ACCESS_KEY: 'S3RVER',
        ATELIER_S3_SECRET_KEY: 'S3RVER',
      }),
    );
    await objects().ensureBucket(BUCKET);
    await objects().put(BUCKET, 'in/a.txt', 'from s3');
    await objects().put(BUCKET, 'in/gone.txt', 'to be deleted');
  });

  after(async () => {
    if (nb) {
      await t.client.notebooks.delete(nb.id).catch(() => undefined);
      await waitGone(t.client, nb.id).catch(() => undefined);
    }
    await t.close();
    await server.close();
    rmSync(s3dir, { recursive: true, force: true });
  });

  test('copied in at attach; the kernel changes reach OBS at stop and at detach', async () => {
    const created = await t.client.notebooks.create({
      name: 'copy-mounts',
      flavor: FLAVOR,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
    const running = await waitFor(t.client, created.id, ['RUNNING']);
    nb = { id: created.id, url: running.url, token: running.token };
    const m = await t.client.notebooks.storage.attach(nb.id, { uri: `obs://${BUCKET}/in/`, mount_path: '/home/ma-user/work/in/' });
    assert.equal(m.sync_mode, 'COPY');
    const deadline = Date.now() + 30_000;
    while ((await t.client.notebooks.storage.get(nb.id, m.id)).status !== 'MOUNTED') {
      assert.ok(Date.now() < deadline, 'mounted in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    let kernel = await startKernel(nb.url, nb.token);
    assert.equal(await execute(nb.url, nb.token, kernel, "open('in/a.txt').read()"), "'from s3'");
    await execute(nb.url, nb.token, kernel, "import os; open('in/b.txt','w').write('kernel'); os.remove('in/gone.txt')");
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await object('in/b.txt'), undefined, 'COPY: not written before the stop');
    assert.equal(await object('in/gone.txt'), 'to be deleted');

    await t.client.notebooks.stop(nb.id);
    await waitFor(t.client, nb.id, ['STOPPED']);
    assert.equal((await t.client.notebooks.storage.get(nb.id, m.id)).status, 'UNMOUNTED');
    assert.equal(await object('in/b.txt'), 'kernel');
    assert.equal(await object('in/gone.txt'), undefined);

    await t.client.notebooks.start(nb.id);
    await waitFor(t.client, nb.id, ['RUNNING']);
    assert.equal((await t.client.notebooks.storage.get(nb.id, m.id)).status, 'MOUNTED');
    kernel = await startKernel(nb.url, nb.token);
    assert.equal(await execute(nb.url, nb.token, kernel, "open('in/b.txt').read()"), "'kernel'");
    await execute(nb.url, nb.token, kernel, "open('in/c.txt','w').write('before detach')");
    assert.equal((await t.client.notebooks.storage.detach(nb.id, m.id)).status, 'UNMOUNTING');
    while ((await t.client.notebooks.storage.list(nb.id)).total > 0) {
      assert.ok(Date.now() < deadline + 60_000, 'detached in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await object('in/c.txt'), 'before detach');
    assert.equal(await execute(nb.url, nb.token, kernel, "import os; os.path.exists('in')"), 'False');
  });
});
