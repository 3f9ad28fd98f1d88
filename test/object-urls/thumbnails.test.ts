// The preview cache's guarantees, under many requests at once: one making per object and size, a
// bounded number of makings (sources held) at a time, hits served from disk, and the size budget.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PreviewUnwanted, ThumbnailCache } from '#src/modules/object-urls/thumbnails.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import { poolTrips } from '../helpers/pool-trips.ts';

/** A store of one image under any key, counting reads and the most read at once. */
function countingStore(image: Buffer) {
  const seen = { reads: 0, inFlight: 0, most: 0 };
  const store = {
    async readBuffer(): Promise<Buffer> {
      seen.reads++;
      seen.inFlight++;
      seen.most = Math.max(seen.most, seen.inFlight);
      await new Promise((res) => setTimeout(res, 5));
      seen.inFlight--;
      return image;
    },
  };
  return { store: store as unknown as ObjectStore, seen };
}

/** Bytes in a cache folder once they are within `budget` (the budget is kept after each write). */
async function bytesWithin(folder: string, budget: number): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const total = readdirSync(folder).reduce((n, f) => n + statSync(join(folder, f)).size, 0);
    if (total <= budget || Date.now() > deadline) return total;
    await new Promise((res) => setTimeout(res, 10));
  }
}

const info = (key: string, size: number): ObjectInfo => ({ key, size, etag: `e-${key}`, lastModified: new Date(1_700_000_000_000) }) as ObjectInfo;

describe('thumbnail cache', () => {
  let dir: string;
  let image: Buffer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atelier-thumbs-'));
    image = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .jpeg()
      .toBuffer();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('30 requests at once for one preview make it once; later ones are read from the cache', async () => {
    const { store, seen } = countingStore(image);
    const cache = new ThumbnailCache(join(dir, 'one'), store);
    const resize = { mode: 'lfit' as const, height: 200 };
    const all = await Promise.all(Array.from({ length: 30 }, () => cache.get('b', info('a.jpg', image.length), resize)));
    assert.equal(seen.reads, 1);
    assert.ok(all.every((t) => t.data.equals(all[0]!.data)));
    const meta = await sharp(all[0]!.data).metadata();
    assert.equal(meta.height, 200);
    assert.equal(readdirSync(join(dir, 'one')).length, 1);
    await cache.get('b', info('a.jpg', image.length), resize);
    assert.equal(seen.reads, 1, 'a hit does not read the source again');
    // Another size is another entry, made once too.
    await Promise.all(Array.from({ length: 5 }, () => cache.get('b', info('a.jpg', image.length), { mode: 'lfit', width: 64 })));
    assert.equal(seen.reads, 2);
  });

  test('many previews at once: all made, with at most 2 x cores sources read at a time', async () => {
    const { store, seen } = countingStore(image);
    const cache = new ThumbnailCache(join(dir, 'many'), store);
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => cache.get('b', info(`p${i}.jpg`, image.length), { mode: 'lfit', height: 120 })));
    assert.equal(made.length, 40);
    assert.equal(seen.reads, 40);
    assert.ok(seen.most <= 2 * Math.max(2, availableParallelism()), `read ${seen.most} at once`);
    assert.equal(readdirSync(join(dir, 'many')).length, 40);
  });

  test('past its budget the cache drops the entries used longest ago', async () => {
    const { store } = countingStore(image);
    const folder = join(dir, 'budget');
    const budget = 20_000;
    const cache = new ThumbnailCache(folder, store, budget);
    for (let i = 0; i < 30; i++) await cache.get('b', info(`q${i}.jpg`, image.length), { mode: 'lfit', height: 100 });
    const total = await bytesWithin(folder, budget);
    assert.ok(total <= budget, `${total} bytes kept`);
  });

  test('a preview is on its disk entry when answered, and the entry was looked up and written with no trip through the thread pool', async () => {
    const { store, seen } = countingStore(image);
    const folder = join(dir, 'inline');
    const cache = new ThumbnailCache(folder, store);
    const resize = { mode: 'lfit' as const, height: 150 };
    // The first entry counts the folder (for the budget), in the background: let that finish.
    await cache.get('b', info('first.jpg', image.length), resize);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(await poolTrips(() => cache.get('b', info('e.jpg', image.length), resize)), 0);
    assert.equal(readdirSync(folder).filter((f) => !f.startsWith('.')).length, 2);
    assert.equal(await poolTrips(() => cache.get('b', info('e.jpg', image.length), resize)), 0);
    assert.equal(seen.reads, 2, 'the second request for e.jpg is a hit');
    // A replaced object (another ETag) gets its own preview.
    await cache.get('b', { ...info('e.jpg', image.length), etag: 'another' }, resize);
    assert.equal(seen.reads, 3);
  });

  test('a preview whose entry cannot be written is still answered, and made again next time', async () => {
    const { store, seen } = countingStore(image);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where the cache folder would be');
    const cache = new ThumbnailCache(join(blocker, 'cache'), store);
    const resize = { mode: 'lfit' as const, height: 90 };
    assert.equal((await sharp((await cache.get('b', info('w.jpg', image.length), resize)).data).metadata()).height, 90);
    await cache.get('b', info('w.jpg', image.length), resize);
    assert.equal(seen.reads, 2);
  });

  test('a preview made for a sheet comes as its pixels; its entry is written after, and a request meanwhile shares the making', async () => {
    const { store, seen } = countingStore(image);
    const folder = join(dir, 'tile');
    const cache = new ThumbnailCache(folder, store);
    const resize = { mode: 'fill' as const, width: 24, height: 16 };
    const version = info('t.jpg', image.length);
    const tiles = await Promise.all(Array.from({ length: 5 }, () => cache.tile('b', version, resize)));
    assert.equal(seen.reads, 1);
    const first = tiles[0]!;
    assert.ok('pixels' in first, 'a preview made now is handed over as pixels');
    assert.deepEqual([first.pixels.width, first.pixels.height, first.pixels.data.length], [24, 16, 24 * 16 * 3]);
    const centre = (8 * 24 + 12) * 3;
    assert.ok(
      [10, 120, 200].every((v, k) => Math.abs(first.pixels.data[centre + k]! - v) <= 8),
      `centre pixel ${[...first.pixels.data.subarray(centre, centre + 3)].join(',')}`,
    );
    // The image of the same preview, asked for while its entry may still be encoding: no second making.
    const jpeg = await cache.get('b', version, resize);
    assert.equal(seen.reads, 1);
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.deepEqual([(await sharp(jpeg.data).metadata()).width, (await sharp(jpeg.data).metadata()).height], [24, 16]);
    assert.deepEqual(
      readdirSync(folder),
      readdirSync(folder).filter((f) => !f.startsWith('.')),
    );
    assert.equal(readdirSync(folder).length, 1);
    // From then on the cache's image, read from disk.
    const again = await cache.tile('b', version, resize);
    assert.ok('thumb' in again && again.thumb.data.equals(jpeg.data));
    assert.equal(seen.reads, 1);
  });

  test("a sheet's previews get their entries only once no resize has started for a while", async () => {
    const { store } = countingStore(image);
    const folder = join(dir, 'quiet');
    const quietMs = 400;
    const cache = new ThumbnailCache(folder, store, undefined, quietMs);
    const resize = { mode: 'fill' as const, width: 32, height: 24 };
    const entries = () => readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).length;
    mkdirSync(folder, { recursive: true });
    // A view's worth of sheets, in waves: each wave's resizes keep the entries waiting.
    for (let wave = 0; wave < 3; wave++) {
      const tiles = await Promise.all(Array.from({ length: 6 }, (_, i) => cache.tile('b', info(`q${wave}-${i}.jpg`, image.length), resize)));
      assert.ok(tiles.every((t) => 'pixels' in t));
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(entries(), 0, `wave ${wave}: no entry is encoded while resizes are still starting`);
    }
    const started = Date.now();
    for (const deadline = started + 10_000; entries() < 18 && Date.now() < deadline;) await new Promise((res) => setTimeout(res, 20));
    assert.equal(entries(), 18, 'every entry is written once the resizes have stopped');
    assert.ok(Date.now() - started >= quietMs - 150 - 20, `written ${Date.now() - started} ms after the last wave`);
  });

  test('a request for the image of a preview whose entry waits for a quiet CPU has it encoded at once', async () => {
    const { store, seen } = countingStore(image);
    // A quiet period far longer than the test's wait: only the request starts the encode.
    const cache = new ThumbnailCache(join(dir, 'urged'), store, undefined, 600_000);
    const resize = { mode: 'fill' as const, width: 20, height: 20 };
    const version = info('u.jpg', image.length);
    assert.ok('pixels' in (await cache.tile('b', version, resize)));
    const jpeg = await Promise.race([
      cache.get('b', version, resize),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the image waited for the quiet period')), 10_000).unref()),
    ]);
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.equal((await sharp(jpeg.data).metadata()).width, 20);
    assert.equal(seen.reads, 1);
  });

  test('a preview for sheets whose requests are all gone is not made before its turn; one a live request waits for is', async () => {
    const { store, seen } = countingStore(image);
    const cache = new ThumbnailCache(join(dir, 'unwanted'), store);
    const resize = { mode: 'fill' as const, width: 16, height: 16 };
    const version = (key: string) => info(key, image.length);
    // As many makings as may run at once, so the next ones wait their turn.
    const slots = 2 * Math.max(2, availableParallelism());
    const busy = Array.from({ length: slots }, (_, i) => cache.tile('b', version(`busy-${i}.jpg`), resize));
    const gone = new AbortController();
    const dropped = cache.tile('b', version('dropped.jpg'), resize, gone.signal).then(
      () => 'made',
      (e: unknown) => e,
    );
    const left = new AbortController();
    const kept = cache.tile('b', version('kept.jpg'), resize, left.signal);
    const stayed = cache.tile('b', version('kept.jpg'), resize, new AbortController().signal);
    gone.abort();
    left.abort();
    await Promise.all(busy);
    assert.ok((await dropped) instanceof PreviewUnwanted, `dropped.jpg: ${String(await dropped)}`);
    assert.ok('pixels' in (await kept) && 'pixels' in (await stayed), 'kept.jpg is made for the request still waiting');
    assert.equal(seen.reads, slots + 1, 'dropped.jpg was never read');
    // Asked for again, it is made.
    assert.ok('pixels' in (await cache.tile('b', version('dropped.jpg'), resize)));
    assert.equal(seen.reads, slots + 2);
  });

  test('a preview with transparency is kept as a PNG, and a sheet is handed that image', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const { store } = countingStore(png);
    const cache = new ThumbnailCache(join(dir, 'alpha'), store);
    const tile = await cache.tile('b', info('a.png', png.length), { mode: 'fill', width: 20, height: 15 });
    assert.ok('thumb' in tile && tile.thumb.contentType === 'image/png');
    assert.equal((await sharp(tile.thumb.data).metadata()).hasAlpha, true);
  });

  test('the source is read as the version head answered', async () => {
    const asked: Array<ObjectInfo | undefined> = [];
    const store = {
      async readBuffer(_b: string, _k: string, _max: number, known?: ObjectInfo): Promise<Buffer> {
        asked.push(known);
        return image;
      },
    } as unknown as ObjectStore;
    const cache = new ThumbnailCache(join(dir, 'known'), store);
    const version = info('k.jpg', image.length);
    await cache.get('b', version, { mode: 'lfit', height: 60 });
    assert.deepEqual(asked, [version]);
  });
});
