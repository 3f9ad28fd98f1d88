// A big folder listed page after page: its sorted entries are kept between pages while it is
// unchanged, and a change shows on the next page read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';

async function keysOf(store: ObjectStore, prefix: string, delimiter?: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.list('big', { prefix, maxKeys: 700, ...(delimiter ? { delimiter } : {}), ...(token ? { continuationToken: token } : {}) });
    out.push(...page.objects.map((o) => o.key), ...page.commonPrefixes);
    token = page.nextContinuationToken;
  } while (token);
  return out;
}

test('a folder of 2,500 files and a subfolder pages in order, and a file added later is listed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'atelier-fs-big-'));
  const store = createObjectStore({ kind: 'fs', root });
  try {
    const dir = join(root, 'big', 'f');
    mkdirSync(join(dir, 'm-sub'), { recursive: true });
    const names = Array.from({ length: 2500 }, (_, i) => `n${String(i).padStart(5, '0')}.txt`);
    for (const n of names) writeFileSync(join(dir, n), 'x');
    writeFileSync(join(dir, 'm-sub', 'inner.txt'), 'y');
    // Settled: the folder's entries may be kept between pages.
    const old = new Date(Date.now() - 60_000);
    utimesSync(dir, old, old);
    const expected = ['f/m-sub/inner.txt', ...names.map((n) => `f/${n}`)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(await keysOf(store, 'f/'), expected);
    assert.deepEqual(await keysOf(store, 'f/'), expected, 'the kept entries give the same pages');
    assert.deepEqual(
      (await keysOf(store, 'f/', '/')).filter((k) => k.endsWith('/')),
      ['f/m-sub/'],
    );
    await store.put('big', 'f/a-new.txt', 'z');
    assert.ok((await keysOf(store, 'f/')).includes('f/a-new.txt'), 'a file put after the folder was kept is listed');
    await store.delete('big', 'f/n00010.txt');
    assert.ok(!(await keysOf(store, 'f/')).includes('f/n00010.txt'), 'a deleted file is not');
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
