import sharp from 'sharp';
import type { VocObject } from '#src/formats/index.ts';
import { num, str, type ParsedOperator } from './params.ts';

// One augmentation operator on one image, with sharp; the boxes of a VOC annotation move with the
// pixels (flip, rotate, crop, scale), and those cropped away are dropped.

export interface Augmented {
  data: Buffer;
  width: number;
  height: number;
  objects?: VocObject[];
  description: string;
}

type Point = [number, number];
type PointMap = (p: Point) => Point;

function moveObjects(objects: readonly VocObject[] | undefined, map: PointMap, width: number, height: number): VocObject[] | undefined {
  if (!objects) return undefined;
  const out: VocObject[] = [];
  for (const o of objects) {
    if (o.shape === 'circle') {
      const [c, r] = o.feature;
      if (!c || !r) continue;
      const moved = map([c[0] ?? 0, c[1] ?? 0]);
      out.push({ ...o, feature: [moved, r] });
      continue;
    }
    let points = o.feature.map((p) => map([p[0] ?? 0, p[1] ?? 0]));
    if (o.shape === 'bndbox') {
      // the corners of the box, moved; the new box holds them all, clipped to the image
      const [a, b] = o.feature;
      if (!a || !b) continue;
      const corners: Point[] = [
        [a[0] ?? 0, a[1] ?? 0],
        [b[0] ?? 0, a[1] ?? 0],
        [a[0] ?? 0, b[1] ?? 0],
        [b[0] ?? 0, b[1] ?? 0],
      ].map((p) => map(p as Point));
      const xs = corners.map((p) => p[0]);
      const ys = corners.map((p) => p[1]);
      const x1 = Math.max(0, Math.min(...xs));
      const y1 = Math.max(0, Math.min(...ys));
      const x2 = Math.min(width, Math.max(...xs));
      const y2 = Math.min(height, Math.max(...ys));
      if (x2 - x1 < 1 || y2 - y1 < 1) continue;
      points = [
        [Math.round(x1), Math.round(y1)],
        [Math.round(x2), Math.round(y2)],
      ];
    } else if (points.every(([x, y]) => x < 0 || y < 0 || x > width || y > height)) {
      continue;
    }
    out.push({ ...o, feature: points.map(([x, y]) => [Math.round(x), Math.round(y)]) });
  }
  return out;
}

function gaussian(): number {
  let u = 0;
  while (u === 0) u = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function poisson(lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= Math.random();
  } while (p > l && k < 1000);
  return k - 1;
}

async function addNoise(input: sharp.Sharp, params: ParsedOperator['params']): Promise<sharp.Sharp> {
  const { data, info } = await input.raw().toBuffer({ resolveWithObject: true });
  const type = str(params, 'noise_type', 'Gauss');
  const loc = num(params, 'loc', 0);
  const scale = num(params, 'scale', 10);
  const lam = num(params, 'lam', 2);
  const p = num(params, 'p', 0.01);
  const out = Buffer.allocUnsafe(data.length);
  const ch = info.channels;
  for (let i = 0; i < data.length; i += ch) {
    if (type === 'SaltPepper') {
      const r = Math.random();
      const v = r < p / 2 ? 0 : r < p ? 255 : -1;
      for (let c = 0; c < ch; c++) out[i + c] = v < 0 || (ch === 4 && c === 3) ? (data[i + c] ?? 0) : v;
      continue;
    }
    for (let c = 0; c < ch; c++) {
      const old = data[i + c] ?? 0;
      if (ch === 4 && c === 3) {
        out[i + c] = old;
        continue;
      }
      const delta = type === 'Gauss' ? loc + scale * gaussian() : poisson(lam) - lam;
      out[i + c] = Math.max(0, Math.min(255, Math.round(old + delta)));
    }
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: ch } });
}

/** Applies the operator; the image is encoded again in its own format. */
export async function augment(data: Buffer, format: keyof sharp.FormatEnum, op: ParsedOperator, objects?: readonly VocObject[]): Promise<Augmented> {
  const meta = await sharp(data).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  let img = sharp(data);
  let width = w;
  let height = h;
  let map: PointMap | undefined;
  let description: string;
  switch (op.name) {
    case 'Flip': {
      const vertical = str(op.params, 'flip_type', 'horizontal') === 'vertical';
      img = vertical ? img.flip() : img.flop();
      map = vertical ? ([x, y]) => [x, h - y] : ([x, y]) => [w - x, y];
      description = `use Flip augmentation (${vertical ? 'vertical' : 'horizontal'})`;
      break;
    }
    case 'Rotate': {
      const angle = num(op.params, 'angle', 90);
      const rad = (angle * Math.PI) / 180;
      const cos = Math.cos(rad);
      const sin = Math.sin(rad);
      width = Math.round(Math.abs(w * cos) + Math.abs(h * sin));
      height = Math.round(Math.abs(w * sin) + Math.abs(h * cos));
      img = img.rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 1 } });
      // sharp turns clockwise about the centre and grows the canvas to hold the turned image
      map = ([x, y]) => {
        const dx = x - w / 2;
        const dy = y - h / 2;
        return [dx * cos - dy * sin + width / 2, dx * sin + dy * cos + height / 2];
      };
      description = `use Rotate augmentation (${angle} degrees)`;
      break;
    }
    case 'Crop': {
      const ratio = num(op.params, 'crop_ratio', 0.8);
      width = Math.max(1, Math.round(w * ratio));
      height = Math.max(1, Math.round(h * ratio));
      const left = Math.floor((w - width) / 2);
      const top = Math.floor((h - height) / 2);
      img = img.extract({ left, top, width, height });
      map = ([x, y]) => [x - left, y - top];
      description = `use Crop augmentation (centre ${ratio})`;
      break;
    }
    case 'Scale': {
      const ratio = num(op.params, 'scale_ratio', 0.5);
      width = Math.max(1, Math.round(w * ratio));
      height = Math.max(1, Math.round(h * ratio));
      img = img.resize(width, height, { fit: 'fill' });
      map = ([x, y]) => [(x * width) / w, (y * height) / h];
      description = `use Scale augmentation (${ratio})`;
      break;
    }
    case 'Brightness': {
      const factor = num(op.params, 'factor', 1.2);
      img = img.modulate({ brightness: factor });
      description = `use Brightness augmentation (${factor})`;
      break;
    }
    case 'Contrast': {
      const factor = num(op.params, 'factor', 1.2);
      img = img.linear(factor, 128 * (1 - factor));
      description = `use Contrast augmentation (${factor})`;
      break;
    }
    case 'AddNoise':
      img = await addNoise(img, op.params);
      description = `use AddNoise augmentation (${str(op.params, 'noise_type', 'Gauss')})`;
      break;
    default:
      throw new Error(`unknown augmentation ${op.name}`);
  }
  const out = await img.toFormat(format).toBuffer();
  const moved = map ? moveObjects(objects, map, width, height) : objects ? [...objects] : undefined;
  return { data: out, width, height, ...(moved ? { objects: moved } : {}), description };
}
