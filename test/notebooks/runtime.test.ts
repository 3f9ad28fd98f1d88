// The runtime a notebook runs on when no JupyterLab venv was prepared: Debian's jupyter-server (with
// python3-ipykernel), which CI installs; and, with neither, a refusal that says how to install one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBIAN_SERVER } from '#src/runtime/notebooks/index.ts';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, execute, startKernel, waitFor, waitGone } from './helpers.ts';

const body = () => ({ name: 'nb', flavor: FLAVOR, image_id: builtInImage().id, volume: { category: 'EFS' as const, ownership: 'MANAGED' as const } });

test('no runtime and no install on first use: CreateNotebook says how to install one, nothing is stored', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-jupyter-'));
  const t = await startTestApp({ ATELIER_NOTEBOOK_RUNTIME_DIR: empty, ATELIER_NOTEBOOK_RUNTIME_INSTALL: 'off', ATELIER_NOTEBOOK_SYSTEM_JUPYTER: '' });
  try {
    await assert.rejects(t.client.notebooks.create(body()), apiFailure(400, 'ModelArts.6361', 'atelier notebook prepare'));
    assert.equal((await t.client.notebooks.list()).total, 0);
    assert.equal(t.atelier.context.localPool.holdings().length, 0);
  } finally {
    await t.close();
    rmSync(empty, { recursive: true, force: true });
  }
});

test(
  "no JupyterLab venv: Debian's jupyter-server runs the notebook, and its kernel runs code",
  { skip: !existsSync(DEBIAN_SERVER) && `${DEBIAN_SERVER} is not installed here (apt-get install jupyter-server python3-ipykernel; CI does)` },
  async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-jupyterlab-'));
    const t = await startTestApp({ ATELIER_NOTEBOOK_RUNTIME_DIR: empty, ATELIER_NOTEBOOK_RUNTIME_INSTALL: 'off' });
    t.atelier.startBackground();
    try {
      const created = await t.client.notebooks.create(body());
      const nb = await waitFor(t.client, created.id, ['RUNNING']);
      const kernel = await startKernel(nb.url, nb.token);
      assert.equal(await execute(nb.url, nb.token, kernel, 'import jupyter_server; jupyter_server.__file__.startswith("/usr/lib/python3/")'), 'True');
      assert.equal(await execute(nb.url, nb.token, kernel, '6*7'), '42');
      await t.client.notebooks.delete(nb.id);
      await waitGone(t.client, nb.id);
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  },
);
