// A LIVE mount's watcher never reads through a link: the user's code may move the mounted folder away and leave a link
// to another folder in its place (in a kube pod, the sync sidecar's Secret with the store's key), then write a file of
// that name in the moved folder; the watcher still reports the old path, which now leads through the link.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LiveSync } from '#src/modules/notebooks/storage/live-sync.ts';
import { silentLogger } from '#src/runtime/logger.ts';
import { FsObjectStore } from '#src/storage/fs-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'live-sync-links-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file read through a folder swapped for a link is not written to OBS, and the refusal is said', async () => {
  const objects = new FsObjectStore(join(dir, 'store'));
  await objects.ensureBucket('links-bucket');
  const work = join(dir, 'work');
  mkdirSync(join(work, 'data/m'), { recursive: true });
  const secret = join(dir, 'secret');
  mkdirSync(secret);
  writeFileSync(join(secret, 'key.json'), 'the store key');
  const said: string[] = [];
  const sync = new LiveSync({ objects, bucket: 'links-bucket', prefix: 'p/', work, base: 'data/m' }, join(work, 'data/m'), (m) => said.push(m), silentLogger);
  await sync.start();
  try {
    writeFileSync(join(work, 'data/m/ok.txt'), 'fine');
    for (let i = 0; i < 100 && !(await objects.exists('links-bucket', 'p/ok.txt')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await objects.readText('links-bucket', 'p/ok.txt', 100), 'fine');
    renameSync(join(work, 'data/m'), join(work, 'data/moved'));
    symlinkSync(secret, join(work, 'data/m'));
    writeFileSync(join(work, 'data/moved/key.json'), 'decoy');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await objects.exists('links-bucket', 'p/key.json'), false, 'the key behind the link stayed out of OBS');
    assert.ok(
      said.some((m) => m.startsWith('key.json') && m.includes('link')),
      said.join('; '),
    );
  } finally {
    await sync.close();
  }
});
