// One image catalogue for notebooks, old instances and the images API, and CreateImage (#85): a
// package pip-installed in a running instance's venv is saved as a DEDICATED image, which starts a
// new notebook (after the source instance is gone) whose kernel imports the package.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { notebookOperations as ops } from '#src/modules/notebooks/operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, execute, notebookEnv, startKernel, waitFor, waitGone } from './helpers.ts';

const BUCKET = 'n7-devenv';

/** Kernel code that writes a tiny wheel (package n7pkg, ANSWER = 42) and pip-installs it offline into the instance's venv. */
const INSTALL_WHEEL = String.raw`
import base64, hashlib, importlib, os, subprocess, sys, zipfile
files = {
  'n7pkg/__init__.py': b'ANSWER = 42\n',
  'n7pkg-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\nName: n7pkg\nVersion: 1.0\n',
  'n7pkg-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\nGenerator: n7-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
}
digest = lambda b: 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()
record = ''.join(f'{n},{digest(b)},{len(b)}\n' for n, b in files.items()) + 'n7pkg-1.0.dist-info/RECORD,,\n'
whl = os.path.abspath('n7pkg-1.0-py3-none-any.whl')
with zipfile.ZipFile(whl, 'w') as z:
    for n, b in files.items(): z.writestr(n, b)
    z.writestr('n7pkg-1.0.dist-info/RECORD', record)
r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-index', '--no-deps', '--disable-pip-version-check', whl], capture_output=True, text=True)
importlib.invalidate_caches()
import n7pkg
# ballast: 48 MB in the venv, so the copy lasts long enough to see the instance SNAPSHOTTING
with open(os.path.join(sys.prefix, 'n7-ballast.bin'), 'wb') as f:
    for _ in range(48): f.write(os.urandom(1 << 20))
(r.returncode, n7pkg.__file__.startswith(sys.prefix), n7pkg.ANSWER)
`;

describe('images and notebooks: one catalogue, CreateImage', () => {
  let t: TestApp;
  let other: AtelierClient;
  let builtIn: { id: string; name: string };
  const notebooks: string[] = [];
  const images: string[] = [];
  const venvDir = mkdtempSync(join(tmpdir(), 'atelier-n7-'));

  const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 5 };
  const createBody = (name: string, imageId: string) => ({ name, flavor: FLAVOR, image_id: imageId, volume });
  const createImage = (client: AtelierClient, id: string, body: Record<string, unknown>) =>
    client.http.op(ops.CreateImage, { params: { id }, body: body as never });
  const waitImage = async (id: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const image = await t.client.images.show(id);
      if (image.status !== 'CREATING') return image;
      if (Date.now() > deadline) {
        const tasks = await t.atelier.context.database.db.selectFrom('tasks').select(['name', 'status', 'attempts', 'last_error']).execute();
        assert.fail(`image ${id} still CREATING; tasks: ${JSON.stringify(tasks)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async () => {
    t = await startTestApp(await notebookEnv());
    t.atelier.startBackground(); // the task worker copies saved images
    other = await t.newTenant('n7-other');
    const listed = await t.client.images.list({ type: 'BUILD_IN' });
    const first = listed.data[0];
    assert.ok(first, 'ListImage names a built-in image');
    builtIn = { id: first.id, name: first.name };
    await t.atelier.context.objectStore.ensureBucket(BUCKET);
  });

  after(async () => {
    for (const id of notebooks) await t.client.notebooks.delete(id).catch(() => undefined);
    for (const id of notebooks) await waitGone(t.client, id).catch(() => undefined);
    for (const id of images) await t.client.images.delete(id).catch(() => undefined);
    await t.close();
    rmSync(venvDir, { recursive: true, force: true });
  });

  test('an old-API profile_id from ListImage starts an old instance; a registered image it names is in use', async () => {
    const venv = join(venvDir, 'old-env');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const registered = await t.client.images.register({ swr_path: venv, description: 'for an old instance' });
    images.push(registered.id);
    const body = (profile: string) => ({
      name: 'n7-old',
      profile_id: profile,
      flavor: FLAVOR,
      spec: { storage: { type: 'obs' as const, location: { path: `/${BUCKET}/work/` } } },
    });
    const old = await t.client.devenv.create(body(builtIn.id));
    const onRegistered = await t.client.devenv.create(body(registered.id));
    await assert.rejects(t.client.images.delete(registered.id), apiFailure(400, 'ModelArts.6344', registered.id));
    await assert.rejects(other.devenv.create(body(registered.id)), apiFailure(400, 'ModelArts.6336', 'profile_id'));
    for (const id of [old.id, onRegistered.id]) await t.client.devenv.delete(id);
    for (const id of [old.id, onRegistered.id]) await waitGone(t.client, id);
    assert.equal((await t.client.images.delete(registered.id)).status, 'DELETED', 'no instance names it any more');
    images.splice(images.indexOf(registered.id), 1);
  });

  test('ListImage id → CreateNotebook; pip install in the kernel; CreateImage; a new notebook from it imports the package', async () => {
    // 1. a notebook on the built-in image ListImage answers
    const source = await t.client.notebooks.create(createBody('n7-source', builtIn.id));
    notebooks.push(source.id);
    assert.equal(source.image.id, builtIn.id);
    const running = await waitFor(t.client, source.id, ['RUNNING']);
    const kernel = await startKernel(running.url, running.token);
    assert.equal(await execute(running.url, running.token, kernel, INSTALL_WHEEL), '(0, True, 42)', 'the wheel is installed in the instance venv');

    // 2. refusals: another project's instance, bad name and tag
    await assert.rejects(createImage(other, source.id, { name: 'x' }), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(createImage(t.client, source.id, { name: 'Upper' }), apiFailure(400, 'ModelArts.0104', 'name'));
    await assert.rejects(createImage(t.client, source.id, { tag: 'bad tag' }), apiFailure(400, 'ModelArts.0104', 'tag'));
    await assert.rejects(createImage(t.client, source.id, { name: 'x'.repeat(513) }), apiFailure(400, 'ModelArts.0104', 'name'));
    await assert.rejects(createImage(t.client, source.id, { unknown: 1 }), apiFailure(400, 'ModelArts.0104'));

    // 3. save it
    const saved = await createImage(t.client, source.id, { name: 'n7-saved', tag: 'v1', description: 'saved by the test', namespace: 'atelier-auto' });
    images.push(saved.id);
    assert.equal(saved.status, 'CREATING');
    assert.equal(saved.type, 'DEDICATED');
    assert.equal(saved.origin, 'IMAGE_SAVE');
    assert.equal(saved.name, 'n7-saved');
    assert.equal(saved.tag, 'v1');
    assert.equal(saved.namespace, 'atelier-auto');
    assert.equal(saved.description, 'saved by the test');
    assert.equal(saved.workspace_id, '0');
    // SNAPSHOTTING while the copy runs: Jupyter keeps serving; stop, start, delete and another save wait (6357)
    const saving = await t.client.notebooks.get(source.id);
    assert.equal(saving.status, 'SNAPSHOTTING', 'the copy of the ballast takes a while');
    assert.equal(await execute(running.url, running.token, kernel, '6 * 7'), '42', 'the kernel still answers');
    await assert.rejects(t.client.notebooks.stop(source.id), apiFailure(400, 'ModelArts.6357', 'SNAPSHOTTING'));
    await assert.rejects(t.client.notebooks.start(source.id), apiFailure(400, 'ModelArts.6357', 'SNAPSHOTTING'));
    await assert.rejects(t.client.notebooks.delete(source.id), apiFailure(400, 'ModelArts.6357', 'SNAPSHOTTING'));
    await assert.rejects(createImage(t.client, source.id, { name: 'n7-again' }), apiFailure(400, 'ModelArts.6357', 'SNAPSHOTTING'));
    await assert.rejects(t.client.notebooks.update(source.id, { flavor: 'modelarts.vm.cpu.8u' }), apiFailure(400, 'ModelArts.6347', 'SNAPSHOTTING'));
    assert.equal((await t.client.notebooks.update(source.id, { description: 'being saved' })).description, 'being saved');
    await assert.rejects(createImage(t.client, source.id, { name: 'n7-saved', tag: 'v1' }), apiFailure(400, 'ModelArts.6357'));
    const active = await waitImage(saved.id);
    assert.equal(active.status, 'ACTIVE', active.status_message);
    // RUNNING again once the image is ACTIVE, both changes in the status history
    assert.equal((await t.client.notebooks.get(source.id)).status, 'RUNNING');
    await assert.rejects(createImage(t.client, source.id, { name: 'n7-saved', tag: 'v1' }), apiFailure(400, 'ModelArts.6336', 'n7-saved:v1'));
    const history = (await t.client.notebooks.events(source.id, { sort_dir: 'ASC' })).events;
    const at = history.findIndex((e) => e.status === 'SNAPSHOTTING');
    assert.ok(at >= 0, JSON.stringify(history));
    assert.match(history[at]?.message ?? '', new RegExp(`n7-saved:v1 \\(${saved.id}\\)`));
    assert.equal(history[at + 1]?.status, 'RUNNING');
    assert.match(history[at + 1]?.message ?? '', new RegExp(`image ${saved.id} is saved \\(ACTIVE\\)`));
    assert.match(active.status_message, /^Python 3\.\d+/, 'read from the saved interpreter');
    assert.ok(active.size > 0);
    await assert.rejects(other.images.show(saved.id), apiFailure(404, 'ModelArts.6309'));
    const listed = await t.client.images.list({ type: 'DEDICATED' });
    assert.ok(listed.data.some((i) => i.id === saved.id));

    // 4. a stopped instance is not saved; the source goes away
    await t.client.notebooks.stop(source.id);
    await waitFor(t.client, source.id, ['STOPPED']);
    await assert.rejects(createImage(t.client, source.id, {}), apiFailure(400, 'ModelArts.6327'));
    await t.client.notebooks.delete(source.id);
    await waitGone(t.client, source.id);
    notebooks.splice(notebooks.indexOf(source.id), 1);

    // 5. a new notebook from the saved image imports the package; another project cannot use the image
    await assert.rejects(other.notebooks.create(createBody('n7-foreign', saved.id)), apiFailure(400, 'ModelArts.0104', 'image_id'));
    const derived = await t.client.notebooks.create(createBody('n7-derived', saved.id));
    notebooks.push(derived.id);
    assert.equal(derived.image.id, saved.id);
    const up = await waitFor(t.client, derived.id, ['RUNNING']);
    const k2 = await startKernel(up.url, up.token);
    assert.equal(await execute(up.url, up.token, k2, 'import n7pkg, sys; (n7pkg.ANSWER, n7pkg.__file__.startswith(sys.prefix))'), '(42, False)');

    // 6. the image is in use while the notebook names it
    await assert.rejects(t.client.images.delete(saved.id), apiFailure(400, 'ModelArts.6344', saved.id));
    await t.client.notebooks.delete(derived.id);
    await waitGone(t.client, derived.id);
    notebooks.splice(notebooks.indexOf(derived.id), 1);
    assert.equal((await t.client.images.delete(saved.id)).status, 'DELETED');
    images.splice(images.indexOf(saved.id), 1);
  });

  test('CreateImage of an unknown instance: 404', async () => {
    await assert.rejects(createImage(t.client, '00000000-0000-0000-0000-000000000000', {}), apiFailure(404, 'ModelArts.6309'));
  });
});
