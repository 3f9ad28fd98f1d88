// A sheet's small previews made together (joined-resize.ts, ThumbnailCache.tiles): each tile is
// what its own resize gives, with nothing of its neighbours at its edges; sources that cannot be
// joined (another size, a PNG, a rotated or a damaged JPEG, a large one) are made one by one; the
// cache keeps its guarantees (entries written after, one making per object and size).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { joinedResize, joinKey, joinPlan } from '#src/modules/object-urls/joined-resize.ts';
import { ThumbnailCache, type PreviewTile } from '#src/modules/object-urls/thumbnails.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';

type Rgb = [number, number, number];
/** Neighbours far apart in colour, so a tile showing a neighbour's pixels is far off its own. */
const COLOURS: Rgb[] = [
  [250, 250, 250],
  [5, 5, 5],
  [230, 20, 20],
  [20, 210, 40],
  [20, 30, 230],
  [240, 220, 10],
  [10, 10, 120],
  [250, 120, 200],
];

const solid = ([r, g, b]: Rgb, width: number, height: number, options: { orientation?: number } = {}): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .jpeg({ quality: 95 })
    .withMetadata(options.orientation ? { orientation: options.orientation } : {})
    .toBuffer();

const info = (key: string, size: number): ObjectInfo => ({ key, size, etag: `e-${key}`, lastModified: new Date(1_700_000_000_000) }) as ObjectInfo;

/** The largest difference of any pixel of `pixels` (3 channels) from `want`. */
function farthest(pixels: Buffer, want: Rgb): number {
  let most = 0;
  for (let i = 0; i < pixels.length; i++) most = Math.max(most, Math.abs(pixels[i]! - want[i % 3]!));
  return most;
}

/** A store of the given objects by key, counting reads. */
function storeOf(objects: Record<string, Buffer>) {
  const seen = { reads: 0 };
  const store = {
    async readBuffer(_b: string, key: string): Promise<Buffer> {
      seen.reads++;
      const data = objects[key];
      if (!data) throw new Error(`no object ${key}`);
      return data;
    },
  };
  return { store: store as unknown as ObjectStore, seen };
}

const pixelsOf = (r: PromiseSettledResult<PreviewTile>): Buffer => {
  assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
  const tile = (r as PromiseFulfilledResult<PreviewTile>).value;
  assert.ok('pixels' in tile, 'made now, the preview comes as pixels');
  return tile.pixels.data;
};

describe('previews of a sheet made together', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'atelier-joined-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a plan joins sources less than twice the tile, along the side the fill crops, with room for the seams', () => {
    assert.deepEqual(joinPlan(320, 240, { width: 190, height: 120 }), { scaledWidth: 190, scaledHeight: 143, axis: 'down' });
    assert.deepEqual(joinPlan(180, 60, { width: 100, height: 40 }), { scaledWidth: 120, scaledHeight: 40, axis: 'across' });
    assert.equal(joinPlan(640, 480, { width: 190, height: 120 }), undefined, 'decoded at a reduced scale on its own');
    assert.deepEqual(joinPlan(300, 240, { width: 150, height: 100 }), { scaledWidth: 150, scaledHeight: 120, axis: 'down' }, 'at half scale');
    assert.deepEqual(joinPlan(320, 240, { width: 163, height: 120 }), { scaledWidth: 163, scaledHeight: 122, axis: 'down' }, 'a pixel cut at each seam');
    assert.equal(joinPlan(200, 150, { width: 160, height: 120 }), undefined, 'same shape: nothing to cut the seams away');
  });

  test('only plain small JPEGs are joined', async () => {
    const tile = { width: 30, height: 20 };
    assert.equal(await joinKey(await solid(COLOURS[2]!, 40, 40), tile, 1e8), '40x40');
    assert.equal(await joinKey(await solid(COLOURS[2]!, 40, 40, { orientation: 6 }), tile, 1e8), undefined, 'EXIF-rotated');
    assert.equal(await joinKey(await solid(COLOURS[2]!, 40, 40), tile, 1000), undefined, 'more pixels than allowed');
    assert.equal(await joinKey(await solid(COLOURS[2]!, 200, 200), tile, 1e8), undefined, 'large enough for shrink-on-load');
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    assert.equal(await joinKey(png, tile, 1e8), undefined, 'a PNG');
  });

  test("each tile is its own source's resize, with none of its neighbours at its edges", async () => {
    for (const [width, height, tile] of [
      [40, 40, { width: 30, height: 20 }],
      [60, 30, { width: 24, height: 20 }],
      [320, 240, { width: 163, height: 120 }],
    ] as const) {
      const sources = await Promise.all(COLOURS.map((c) => solid(c, width, height)));
      const joined = await joinedResize(sources, width, height, tile);
      assert.equal(joined.length, COLOURS.length);
      for (const [k, p] of joined.entries()) {
        assert.equal(p.data.length, tile.width * tile.height * 3);
        assert.ok(farthest(p.data, COLOURS[k]!) <= 12, `${width}x${height} tile ${k}: a pixel ${farthest(p.data, COLOURS[k]!)} off its colour`);
        const alone = await sharp(sources[k]).resize(tile.width, tile.height, { fit: 'cover' }).raw().toBuffer();
        const worst = alone.reduce((m, v, i) => Math.max(m, Math.abs(v - p.data[i]!)), 0);
        assert.ok(worst <= 6, `${width}x${height} tile ${k}: ${worst} from its resize alone`);
      }
    }
  });

  test('the cache makes a batch: joined where it can, one by one where not, each settled on its own, entries written after', async () => {
    const objects: Record<string, Buffer> = {};
    for (const [i, c] of COLOURS.entries()) objects[`s${i}.jpg`] = await solid(c, 40, 40);
    objects['wide.jpg'] = await solid([20, 210, 40], 60, 40);
    objects['big.jpg'] = await solid([230, 20, 20], 400, 400);
    objects['rotated.jpg'] = await solid([20, 30, 230], 40, 40, { orientation: 6 });
    // A JPEG of the joined size whose data is cut short: the join refuses it, and its group is made one by one.
    const cut = await sharp({
      create: { width: 40, height: 40, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    objects['cut.jpg'] = cut.subarray(0, Math.floor(cut.length * 0.6));
    objects['text.jpg'] = Buffer.from('not an image');
    const { store, seen } = storeOf(objects);
    const cache = new ThumbnailCache(join(dir, 'batch'), store, undefined, 50);
    const resize = { mode: 'fill' as const, width: 30, height: 20 };
    const keys = Object.keys(objects);
    const items = keys.map((key) => ({ bucket: 'b', info: info(key, objects[key]!.length) }));
    // One of them asked for alone at the same time: it shares the batch's making.
    const [got, single] = await Promise.all([cache.tiles(items, resize), cache.tile('b', info('s3.jpg', objects['s3.jpg']!.length), resize)]);
    const at = (key: string) => got[keys.indexOf(key)]!;
    for (const [i, c] of COLOURS.entries()) assert.ok(farthest(pixelsOf(at(`s${i}.jpg`)), c) <= 12, `s${i}.jpg`);
    assert.ok(farthest(pixelsOf(at('wide.jpg')), [20, 210, 40]) <= 12);
    assert.ok(farthest(pixelsOf(at('big.jpg')), [230, 20, 20]) <= 12);
    assert.ok(farthest(pixelsOf(at('rotated.jpg')), [20, 30, 230]) <= 12);
    assert.equal(at('cut.jpg').status, 'rejected', 'the damaged one fails alone (the others of its size are above)');
    assert.equal(at('text.jpg').status, 'rejected', 'no preview of what is no image');
    assert.ok('pixels' in single);
    assert.equal(seen.reads, keys.length, 'each source read once');
    // Entries come once the CPU is quiet; then the same batch is read from the cache.
    const entries = () => (existsSync(join(dir, 'batch')) ? readdirSync(join(dir, 'batch')).filter((f) => !f.startsWith('.')).length : 0);
    for (const deadline = Date.now() + 5000; entries() < keys.length - 2 && Date.now() < deadline;) await new Promise((res) => setTimeout(res, 10));
    assert.equal(entries(), keys.length - 2);
    const again = await cache.tiles(items, resize);
    assert.equal(seen.reads, keys.length + 2, 'only the two that failed read again');
    assert.ok(again.filter((r) => r.status === 'fulfilled').every((r) => 'thumb' in r.value));
  });

  test('a batch whose request is gone before its turn reads none of its sources', async () => {
    const objects: Record<string, Buffer> = {};
    for (const [i, c] of COLOURS.entries()) objects[`g${i}.jpg`] = await solid(c, 40, 40);
    const { store, seen } = storeOf(objects);
    const cache = new ThumbnailCache(join(dir, 'gone'), store);
    const gone = new AbortController();
    gone.abort();
    const got = await cache.tiles(
      Object.keys(objects).map((key) => ({ bucket: 'b', info: info(key, objects[key]!.length) })),
      { mode: 'fill', width: 30, height: 20 },
      gone.signal,
    );
    assert.ok(got.every((r) => r.status === 'rejected'));
    assert.equal(seen.reads, 0);
  });
});
