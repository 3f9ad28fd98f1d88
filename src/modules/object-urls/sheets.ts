// Thumbnail sheets: the thumbnails of up to MAX_SHEET_TILES objects laid out in one image, so a page of
// the console's grid costs one request and one decode instead of one per cell. Each tile is the
// object's thumbnail of the tile's size from the thumbnail cache (made at most once per size, in one
// pass from the source; one made for this sheet comes as pixels, so it is not decoded again); the
// sheet itself is composed on each request the browser's cache does not answer (its ETag names every
// object's version, so a replaced object changes it).
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import type { Resize } from './image-process.ts';
import type { PreviewTile } from './thumbnails.ts';

export const MAX_SHEET_TILES = 100;
/** Tiles per row of a sheet. */
export const SHEET_COLUMNS = 10;
export const MAX_TILE_SIDE = 320;
const BACKGROUND = { r: 238, g: 240, b: 243 };

export interface TileSize {
  width: number;
  height: number;
}

export interface Sheet {
  etag: string;
  columns: number;
  /** Tiles left blank: no object, an object gone, or one no preview can be made of. */
  missing: number[];
  /** Absent when the caller's ETag still holds (then `missing` is empty: the caller's copy tells). */
  data?: Buffer;
}

/** A tile's preview, and the object version it shows. */
export interface SheetPreview {
  thumb: PreviewTile;
  shown: ObjectInfo;
}

/** What the sheets need of ObjectUrls: the previews of object versions (of the newer one when one was replaced), each settled on its own. */
export type PreviewsOf = (
  items: ReadonlyArray<{ bucket: string; info: ObjectInfo }>,
  resize: Resize,
  signal?: AbortSignal,
) => Promise<Array<PromiseSettledResult<SheetPreview>>>;

const versionOf = (p: ObjectPath, info: ObjectInfo): string => [p.bucket, p.key, info.etag, info.size, info.lastModified.getTime()].join('\n');

function etagOf(tile: TileSize, resize: Resize, versions: Array<string | undefined>): string {
  const h = createHash('sha256').update(`sheet/v1 ${tile.width}x${tile.height} ${resize.mode}:${resize.width ?? ''}x${resize.height ?? ''}`);
  for (const v of versions) h.update(`\0${v ?? '-'}`);
  return `"sheet-${h.digest('base64url').slice(0, 32)}"`;
}

export class SheetMaker {
  constructor(
    private readonly store: ObjectStore,
    private readonly previewsOf: PreviewsOf,
  ) {}

  /**
   * The sheet of `tiles` (undefined: a tile left blank), each tile `tile` pixels, cut from previews of
   * `resize`. When `ifNoneMatch` is the ETag of the objects as they are now, nothing is composed.
   * `signal` is the request's: once it is aborted, previews not started yet are left out.
   */
  async make(tiles: ReadonlyArray<ObjectPath | undefined>, tile: TileSize, resize: Resize, ifNoneMatch?: string, signal?: AbortSignal): Promise<Sheet> {
    const heads = await Promise.all(tiles.map((p) => (p ? this.store.head(p.bucket, p.key).catch(() => null) : null)));
    const seen = etagOf(
      tile,
      resize,
      heads.map((info, i) => (info ? versionOf(tiles[i]!, info) : undefined)),
    );
    const columns = SHEET_COLUMNS;
    if (ifNoneMatch === seen) return { etag: seen, columns, missing: [] };

    const asked = heads.flatMap((info, i) => (info ? [{ at: i, bucket: tiles[i]!.bucket, info }] : []));
    const previews = await this.previewsOf(asked, resize, signal);
    const previewAt = new Map(asked.map((a, k) => [a.at, previews[k]!]));
    const made = await Promise.all(
      heads.map(async (info, i) => {
        const preview = previewAt.get(i);
        // Not an image, gone since its head, unreadable: the cell shows its single preview URL instead.
        if (!info || preview?.status !== 'fulfilled') return undefined;
        try {
          const { thumb, shown } = preview.value;
          const version = versionOf(tiles[i]!, shown);
          // A preview just made has the tile's size already (m_fill).
          if ('pixels' in thumb && thumb.pixels.width === tile.width && thumb.pixels.height === tile.height) return { pixels: thumb.pixels.data, version };
          // From the cache, or another size: decoded; a PNG's transparency goes on the background.
          const image =
            'pixels' in thumb
              ? sharp(thumb.pixels.data, { raw: { width: thumb.pixels.width, height: thumb.pixels.height, channels: 3 } })
              : sharp(thumb.thumb.data);
          const pixels = await image
            .flatten({ background: BACKGROUND })
            .resize(tile.width, tile.height, { fit: 'cover' })
            .removeAlpha()
            .toColourspace('srgb')
            .raw()
            .toBuffer();
          return { pixels, version };
        } catch {
          // A cached preview that would not decode: left blank as well.
          return undefined;
        }
      }),
    );
    // The tiles are copied row by row into one raw canvas, encoded once (no composite of one input per tile).
    const rows = Math.max(1, Math.ceil(tiles.length / columns));
    const stride = columns * tile.width * 3;
    const canvas = Buffer.alloc(stride * rows * tile.height, Buffer.from([BACKGROUND.r, BACKGROUND.g, BACKGROUND.b]));
    const line = tile.width * 3;
    made.forEach((m, i) => {
      if (!m) return;
      const x = (i % columns) * line;
      const y = Math.floor(i / columns) * tile.height;
      for (let r = 0; r < tile.height; r++) m.pixels.copy(canvas, (y + r) * stride + x, r * line, (r + 1) * line);
    });
    // Without Huffman tables fitted to the image: a second pass over it that more than doubles the
    // encode, for a file about a tenth smaller that the browser decodes no faster.
    const data = await sharp(canvas, { raw: { width: columns * tile.width, height: rows * tile.height, channels: 3 } })
      .jpeg({ quality: 80, optimiseCoding: false })
      .toBuffer();
    return {
      // A tile that could not be made keeps the version its head named, so the ETag stays stable.
      etag: etagOf(
        tile,
        resize,
        made.map((m, i) => m?.version ?? (heads[i] ? versionOf(tiles[i]!, heads[i]) : undefined)),
      ),
      columns,
      missing: made.flatMap((m, i) => (m ? [] : [i])),
      data,
    };
  }
}
