// stageDatasetFiles on its own: what a version's manifest references is placed under the files
// folder (hard links from the fs store, downloads from a store without local files), the local
// manifest says where, and nothing outside the account's buckets or its bucket folders is placed.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForeignBucketError, localManifestName, stageDatasetFiles, type StageDatasetOptions } from '#src/modules/training-jobs/dataset-inputs.ts';
import { channelVariable } from '#src/modules/training-jobs/job-launch.ts';
import { FsObjectStore } from '#src/storage/fs-store.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';

describe('stageDatasetFiles', () => {
  let root: string;
  let store: FsObjectStore;
  let n = 0;

  const drop = (path: string, body: string) => {
    const file = join(root, 'obs', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  };
  const stage = async (lines: unknown[], opts: Partial<StageDatasetOptions> = {}) => {
    const dir = join(root, `job-${++n}`);
    mkdirSync(dir);
    const manifest = join(dir, 'v.manifest');
    writeFileSync(manifest, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    const filesDir = join(dir, 'files');
    const localManifest = join(dir, localManifestName('v.manifest'));
    const done = await stageDatasetFiles({ objects: store, manifest, localManifest, filesDir, mayRead: async () => true, otherUser: false, ...opts });
    const local = readFileSync(localManifest, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { source: string; annotation?: { 'annotation-loc'?: string }[] });
    return { done, local, filesDir };
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'atelier-staging-'));
    store = new FsObjectStore(join(root, 'obs'));
    drop('imgs/cat/1.png', 'one');
    drop('imgs/dog/2.png', 'two!');
    drop('imgs/voc/2.xml', '<annotation/>');
    drop('other/x.png', 'x');
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'secret.png'), 'secret');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('sources in every form are linked once, the local manifest names them, text samples stay', async () => {
    const { done, local, filesDir } = await stage([
      { source: 's3://imgs/cat/1.png', usage: 'TRAIN', annotation: [{ name: 'cat', type: 'modelarts/image_classification' }] },
      { source: '/imgs/dog/2.png', annotation: [{ name: 'dog', type: 'modelarts/object_detection', 'annotation-loc': 'obs://imgs/voc/2.xml' }] },
      { source: 'obs://imgs/cat/1.png' },
      { source: 'content://a line of text' },
      '',
    ]);
    assert.deepEqual(done, { samples: 4, files: 3, bytes: 3 + 4 + 13, linked: 3, copied: 0, missing: 0 });
    const cat = join(filesDir, 'imgs', 'cat', '1.png');
    assert.deepEqual(
      local.map((l) => l.source),
      [cat, join(filesDir, 'imgs', 'dog', '2.png'), cat, 'content://a line of text'],
    );
    assert.equal(local[1]!.annotation![0]!['annotation-loc'], join(filesDir, 'imgs', 'voc', '2.xml'));
    assert.equal(readFileSync(cat, 'utf8'), 'one');
    assert.equal(statSync(cat).ino, statSync(join(root, 'obs', 'imgs', 'cat', '1.png')).ino, 'a hard link, not a copy');
  });

  test('a vanished file leaves its sample out; a symlink out of the bucket is never followed', async () => {
    symlinkSync(join(root, 'outside', 'secret.png'), join(root, 'obs', 'imgs', 'cat', 'link.png'));
    symlinkSync(join(root, 'outside'), join(root, 'obs', 'imgs', 'away'));
    const { done, local, filesDir } = await stage([
      { source: 's3://imgs/cat/1.png' },
      { source: 's3://imgs/cat/gone.png' },
      { source: 's3://imgs/cat/link.png' },
      { source: 's3://imgs/away/secret.png' },
    ]);
    assert.deepEqual([done.samples, done.files, done.missing], [1, 1, 3]);
    assert.deepEqual(
      local.map((l) => l.source),
      [join(filesDir, 'imgs', 'cat', '1.png')],
    );
    assert.throws(() => lstatSync(join(filesDir, 'imgs', 'away')), /ENOENT/);
  });

  test('a bucket the account may not read fails staging before any of its files is placed', async () => {
    const asked: string[] = [];
    await assert.rejects(
      stage([{ source: 's3://imgs/cat/1.png' }, { source: 's3://other/x.png' }], {
        mayRead: async (b) => {
          asked.push(b);
          return b !== 'other';
        },
      }),
      (e: unknown) => e instanceof ForeignBucketError && /other\/x\.png.*bucket other/.test(e.message),
    );
    assert.deepEqual(asked.sort(), ['imgs', 'other']);
    assert.throws(() => lstatSync(join(root, `job-${n}`, 'files', 'other')), /ENOENT/);
  });

  test('a store without local files is read through get: the files are downloaded copies', async () => {
    const remote: ObjectStore = {
      kind: 's3',
      ensureBucket: (b) => store.ensureBucket(b),
      bucketExists: (b) => store.bucketExists(b),
      put: (b, k, body, o) => store.put(b, k, body, o),
      get: (b, k, r) => store.get(b, k, r),
      head: (b, k) => store.head(b, k),
      statMany: (b, k) => store.statMany(b, k),
      exists: (b, k) => store.exists(b, k),
      list: (b, o) => store.list(b, o),
      delete: (b, k) => store.delete(b, k),
      deletePrefix: (b, p) => store.deletePrefix(b, p),
      copy: (f, t) => store.copy(f, t),
      readBuffer: (b, k, m) => store.readBuffer(b, k, m),
      readText: (b, k, m) => store.readText(b, k, m),
      close: async () => undefined,
    };
    const { done, local, filesDir } = await stage([{ source: 's3://imgs/dog/2.png' }, { source: 's3://imgs/nope.png' }], { objects: remote });
    assert.deepEqual(done, { samples: 1, files: 1, bytes: 4, linked: 0, copied: 1, missing: 1 });
    const file = join(filesDir, 'imgs', 'dog', '2.png');
    assert.equal(local[0]!.source, file);
    assert.notEqual(statSync(file).ino, statSync(join(root, 'obs', 'imgs', 'dog', '2.png')).ino);
    assert.equal(readFileSync(file, 'utf8'), 'two!');
  });

  test('staging again into the same folder (a restarted launch) keeps what is there', async () => {
    const lines = [{ source: 's3://imgs/cat/1.png' }];
    const first = await stage(lines);
    const again = await stageDatasetFiles({
      objects: store,
      manifest: join(root, `job-${n}`, 'v.manifest'),
      localManifest: join(root, `job-${n}`, 'again.manifest'),
      filesDir: first.filesDir,
      mayRead: async () => true,
      otherUser: false,
    });
    assert.deepEqual([again.samples, again.files, again.missing], [1, 1, 0]);
  });

  test('names: the local manifest beside the version one; channel variables never shadow what the process needs', () => {
    assert.equal(localManifestName('pets-V001.manifest'), 'pets-V001.local.manifest');
    assert.equal(localManifestName('list.txt'), 'list.txt.local.manifest');
    for (const ok of ['data_url', 'train_url', 'images', '_x1']) assert.equal(channelVariable(ok), true, ok);
    for (const no of ['PATH', 'home', 'LD_PRELOAD', 'PYTHONPATH', 'MA_JOB_DIR', 'VC_TASK_INDEX', 'data-url', '1x'])
      assert.equal(channelVariable(no), false, no);
  });
});
