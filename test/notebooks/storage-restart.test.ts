// A LIVE mount across a restart of Atelier: what changed in the folder while no server watched is
// copied back, and the watcher is back, so what the kernel writes afterwards is an object again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restartedApp, startTestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, execute, notebookEnv, startKernel, waitFor, waitGone } from './helpers.ts';

const BUCKET = 'restart-mount-bucket';

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a LIVE mount survives a restart: changes made meanwhile are copied back, and kernel writes are objects again', async () => {
  const t = await startTestApp(await notebookEnv());
  let second: Awaited<ReturnType<typeof restartedApp>> | undefined;
  try {
    const objects = t.atelier.context.objectStore;
    await objects.ensureBucket(BUCKET);
    await objects.put(BUCKET, 'data/in.txt', 'from OBS');
    const created = await t.client.notebooks.create({
      name: 'mount-restart',
      flavor: FLAVOR,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
    await waitFor(t.client, created.id, ['RUNNING']);
    const mount = await t.client.notebooks.storage.attach(created.id, {
      category: 'OBS',
      uri: `obs://${BUCKET}/data/`,
      mount_path: '/home/ma-user/work/data/',
    });
    await eventually('the mount', async () => (await t.client.notebooks.storage.get(created.id, mount.id)).status === 'MOUNTED');

    await t.atelier.close();
    // While no server watches, a file appears in the mounted folder.
    writeFileSync(join(t.config.dataDir, 'notebooks', created.id, 'work', 'data', 'while-down.txt'), 'written while down');

    second = await restartedApp(t);
    await second.atelier.recover();
    await eventually('the copy back of what changed meanwhile', async () => objects.exists(BUCKET, 'data/while-down.txt'));
    assert.equal(await objects.readText(BUCKET, 'data/while-down.txt', 1024), 'written while down');

    const nb = await second.client.notebooks.get(created.id);
    assert.equal(nb.status, 'RUNNING');
    assert.equal((await second.client.notebooks.storage.get(created.id, mount.id)).status, 'MOUNTED');
    const kernel = await startKernel(nb.url, nb.token);
    await execute(nb.url, nb.token, kernel, "open('data/after.txt', 'w').write('after the restart')");
    await eventually('the kernel write as an object', async () => objects.exists(BUCKET, 'data/after.txt'));

    await second.client.notebooks.delete(created.id);
    await waitGone(second.client, created.id);
  } finally {
    await second?.atelier.close();
    await t.close().catch(() => undefined);
  }
});
