// Small previews of one size made together. Starting a libvips pipeline costs about as much CPU as
// decoding a small JPEG, so the sources of a sheet that have the same dimensions are decoded side by
// side in one pipeline (sharp's join), scaled in one pass, and cut apart here. Only for plain JPEGs
// (8-bit sRGB, no EXIF rotation) at most twice the tile on the side a fill scales by: a larger one is
// decoded at a quarter scale or less on its own (shrink-on-load), which joining would give up (at
// half scale the join is still cheaper, by about a third, than pipelines of their own). The scaling
// kernel reaches a few pixels across each seam into the neighbour: the tiles are laid along the side
// the fill crops, and at least one pixel is cut away at each seam, which leaves at most a trace of the
// neighbour in the tile's edge pixels (lanczos3's outer lobes: under 2% of the colour difference,
// less than the sheet's JPEG encoding changes them).
import sharp from 'sharp';

/** A tile's decoded pixels (as thumbnails.ts's Pixels): 8-bit sRGB, 3 channels. */
export interface TilePixels {
  data: Buffer;
  width: number;
  height: number;
}

export interface Tile {
  width: number;
  height: number;
}

/** Pixels cut away at each seam, at least. */
const SEAM_CUT = 1;
/** Sources joined in one pipeline, at most: a sheet of the console (18 tiles) is made in two, which the cores share. */
export const MAX_JOINED = 10;

/** How a group of sources of `width` x `height` is scaled and laid out; undefined when they are not joined. */
export interface JoinPlan {
  /** Each source scaled to this size (covering the tile), then its centre cut out. */
  scaledWidth: number;
  scaledHeight: number;
  /** 'across': side by side (the fill crops the sides); 'down': one under the other (it crops top and bottom). */
  axis: 'across' | 'down';
}

export function joinPlan(width: number, height: number, tile: Tile): JoinPlan | undefined {
  const scale = Math.max(tile.width / width, tile.height / height);
  if (scale < 0.5) return undefined;
  const scaledWidth = Math.max(tile.width, Math.round(width * scale));
  const scaledHeight = Math.max(tile.height, Math.round(height * scale));
  const [sides, ends] = [scaledWidth - tile.width, scaledHeight - tile.height];
  const margin = 2 * SEAM_CUT;
  if (sides >= margin && sides >= ends) return { scaledWidth, scaledHeight, axis: 'across' };
  if (ends >= margin) return { scaledWidth, scaledHeight, axis: 'down' };
  return undefined;
}

/** The size a source is grouped by ("WxH"), when it can be joined for `tile`; undefined otherwise. */
export async function joinKey(source: Buffer, tile: Tile, maxPixels: number): Promise<string | undefined> {
  if (!(source[0] === 0xff && source[1] === 0xd8 && source[2] === 0xff)) return undefined;
  const m = await sharp(source).metadata();
  const { width, height } = m;
  if (!width || !height || width * height > maxPixels) return undefined;
  if (m.space !== 'srgb' || m.channels !== 3 || m.hasAlpha || m.depth !== 'uchar' || (m.orientation ?? 1) !== 1) return undefined;
  return joinPlan(width, height, tile) ? `${width}x${height}` : undefined;
}

/** The fill previews of `sources` (at least 2, all `width` x `height`, accepted by joinKey), in order. */
export async function joinedResize(sources: Buffer[], width: number, height: number, tile: Tile): Promise<TilePixels[]> {
  const plan = joinPlan(width, height, tile);
  if (!plan || sources.length < 2) throw new Error(`${sources.length} sources of ${width}x${height} are not joined for a ${tile.width}x${tile.height} tile`);
  const n = sources.length;
  const across = plan.axis === 'across';
  const outWidth = across ? n * plan.scaledWidth : plan.scaledWidth;
  const outHeight = across ? plan.scaledHeight : n * plan.scaledHeight;
  const { data, info } = await sharp(sources, { join: { across: across ? n : 1 } })
    .resize(outWidth, outHeight, { fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== outWidth || info.height !== outHeight) {
    throw new Error(`a joined resize gave ${info.width}x${info.height}x${info.channels}, not ${outWidth}x${outHeight}x3`);
  }
  // The centre as sharp's cover crop takes it (an odd margin leaves its extra pixel on the left / top).
  const left = Math.floor((plan.scaledWidth - tile.width + 1) / 2);
  const top = Math.floor((plan.scaledHeight - tile.height + 1) / 2);
  const line = tile.width * 3;
  return sources.map((_, k) => {
    const x = (across ? k * plan.scaledWidth : 0) + left;
    const y = (across ? 0 : k * plan.scaledHeight) + top;
    const out = Buffer.allocUnsafe(line * tile.height);
    for (let r = 0; r < tile.height; r++) {
      const from = ((y + r) * outWidth + x) * 3;
      data.copy(out, r * line, from, from + line);
    }
    return { data: out, width: tile.width, height: tile.height };
  });
}
