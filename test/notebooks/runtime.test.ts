// Without a Jupyter runtime (none prepared, first-use install turned off, no Debian jupyter-server),
// creating a notebook is refused with a ModelArts error that says how to install one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage } from './helpers.ts';

test(
  'no runtime and no install on first use: CreateNotebook says how to install one, nothing is stored',
  { skip: existsSync('/usr/bin/jupyter-server') && "Debian's jupyter-server is installed here" },
  async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-jupyter-'));
    const t = await startTestApp({ ATELIER_NOTEBOOK_RUNTIME_DIR: empty, ATELIER_NOTEBOOK_RUNTIME_INSTALL: 'off' });
    try {
      const body = { name: 'nb', flavor: FLAVOR, image_id: builtInImage().id, volume: { category: 'EFS' as const, ownership: 'MANAGED' as const } };
      await assert.rejects(t.client.notebooks.create(body), apiFailure(400, 'ModelArts.6361', 'atelier notebook prepare'));
      assert.equal((await t.client.notebooks.list()).total, 0);
      assert.equal(t.atelier.context.localPool.holdings().length, 0);
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  },
);
