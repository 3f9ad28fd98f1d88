// The compiled command line (scripts/build-cli.mjs, what bin/atelier.mjs runs after install): built
// into a folder of its own, it runs the admin commands, a bucket command (a chunk loaded on demand),
// `call` and `service` against a server, and `notebook prepare`, the same as the sources do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { RUNTIME_DIR } from '../notebooks/helpers.ts';
import { prepareJupyterRuntime } from '#src/runtime/notebooks/index.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const out = join(root, '.cache', `cli-bundle-test-${process.pid}`);

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await run(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--strict', '--out', out]);
});
after(async () => {
  rmSync(out, { recursive: true, force: true });
  await t.close();
});

/** The tests' shared Jupyter runtime, made (from PyPI) only if CI has not made it already. */
const prepared = async () => (await prepareJupyterRuntime(RUNTIME_DIR), RUNTIME_DIR);

const bundled = (...args: string[]) =>
  run(process.execPath, [join(out, 'entry.js'), ...args], {
    env: { ...process.env, ATELIER_DATA_DIR: t.config.dataDir, ATELIER_DATABASE_URL: t.config.databaseUrl },
  });

test('the build writes the bundle and the sources time it was built from', () => {
  assert.ok(existsSync(join(out, 'entry.js')));
  assert.ok(existsSync(join(out, 'build.json')));
});

test('the bundled commands work on the server state', async () => {
  const users = JSON.parse((await bundled('user', 'list')).stdout) as Array<{ name: string }>;
  assert.deepEqual(
    users.map((u) => u.name),
    ['admin'],
  );
  await bundled('bucket', 'create', '--domain', 'atelier', '--name', 'bundle-b');
  const buckets = JSON.parse((await bundled('bucket', 'list')).stdout) as Array<{ bucket: string }>;
  assert.deepEqual(
    buckets.map((b) => b.bucket),
    ['bundle-b'],
  );
  const { stdout } = await bundled('call', 'GET', '/v2/{project_id}/datasets?limit=5&offset=0', '--endpoint', t.url);
  assert.match(stdout, /^HTTP 200/);
  assert.deepEqual(JSON.parse((await bundled('service', 'list', '--endpoint', t.url)).stdout), []);
  await assert.rejects(bundled('user', 'list', '--data-dir', join(out, 'missing')), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /no data directory/);
    return true;
  });
});

test('the bundled `notebook prepare` finds the pinned requirements beside it (an already prepared runtime: no download)', async () => {
  const env = { ...process.env, ATELIER_NOTEBOOK_RUNTIME_DIR: await prepared() };
  const { stdout } = await run(process.execPath, [join(out, 'entry.js'), 'notebook', 'prepare'], { env });
  assert.equal((JSON.parse(stdout) as { runtime: string }).runtime, 'pypi');
});
