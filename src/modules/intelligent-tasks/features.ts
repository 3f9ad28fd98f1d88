// Features the learner works on, computed here so the Python engine gets plain number arrays:
// for images (with sharp) colour histograms, an orientation histogram of edges and a small
// grey thumbnail, plus brightness, colourfulness and sharpness; for text, hashed words and
// character trigrams. Nothing is downloaded: no pretrained weights.
import sharp from 'sharp';
import { CONTENT_SCHEME } from '#src/formats/sample-paths.ts';
import type { ObjectStore } from '#src/storage/index.ts';

const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const SIDE = 64;
const TEXT_DIMS = 1024;

/** The image's file, `/bucket/key`. */
export function objectOf(source: string): { bucket: string; key: string } {
  const trimmed = source.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0) throw new Error(`${source}: not an object path`);
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}

export interface ImageExtras {
  brightness: number;
  colorfulness: number;
  sharpness: number;
}

/** The feature vector of one image and its brightness, colourfulness and sharpness. */
export async function imageFeatures(store: ObjectStore, source: string): Promise<{ vector: number[]; grouping: number[]; extras: ImageExtras }> {
  const { bucket, key } = objectOf(source);
  const bytes = await store.readBuffer(bucket, key, MAX_IMAGE_BYTES);
  const { data } = await sharp(bytes).removeAlpha().resize(SIDE, SIDE, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const n = SIDE * SIDE;
  const colour = new Array<number>(64).fill(0);
  // Hues of the clearly coloured pixels only: what the picture shows, whatever its size or place.
  const hues = new Array<number>(HUE_BINS).fill(0);
  let coloured = 0;
  const grey = new Float64Array(n);
  let rg = 0;
  let yb = 0;
  let rg2 = 0;
  let yb2 = 0;
  for (let i = 0; i < n; i++) {
    const r = data[i * 3]!;
    const g = data[i * 3 + 1]!;
    const b = data[i * 3 + 2]!;
    colour[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)]! += 1 / n;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    if (max - min > 60) {
      hues[Math.floor((hueOf(r, g, b, max, min) / 360) * HUE_BINS) % HUE_BINS]! += 1;
      coloured++;
    }
    grey[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    const a = r - g;
    const c = 0.5 * (r + g) - b;
    rg += a;
    yb += c;
    rg2 += a * a;
    yb2 += c * c;
  }
  // Edges: a histogram of gradient orientations weighted by strength (placement does not move it).
  const orient = new Array<number>(8).fill(0);
  let laplace = 0;
  let energy = 0;
  for (let y = 1; y < SIDE - 1; y++)
    for (let x = 1; x < SIDE - 1; x++) {
      const i = y * SIDE + x;
      const gx = grey[i + 1]! - grey[i - 1]!;
      const gy = grey[i + SIDE]! - grey[i - SIDE]!;
      const mag = Math.hypot(gx, gy);
      energy += mag;
      const bin = Math.floor(((Math.atan2(gy, gx) + Math.PI) / (2 * Math.PI)) * 8) % 8;
      orient[bin]! += mag;
      const l = 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - SIDE]! - grey[i + SIDE]!;
      laplace += l * l;
    }
  const orientNorm = orient.map((v) => (energy > 0 ? v / energy : 0));
  const thumb: number[] = [];
  for (let by = 0; by < 8; by++)
    for (let bx = 0; bx < 8; bx++) {
      let s = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s += grey[(by * 8 + y) * SIDE + bx * 8 + x]!;
      thumb.push(s / 64);
    }
  const mean = grey.reduce((s, v) => s + v, 0) / n;
  const sdRg = Math.sqrt(Math.max(0, rg2 / n - (rg / n) ** 2));
  const sdYb = Math.sqrt(Math.max(0, yb2 / n - (yb / n) ** 2));
  const extras = {
    brightness: mean,
    colorfulness: (Math.hypot(sdRg, sdYb) + 0.3 * Math.hypot(rg / n, yb / n)) / 255,
    sharpness: laplace / ((SIDE - 2) * (SIDE - 2)),
  };
  const hueShare = hues.map((h) => (coloured > 0 ? h / coloured : 0));
  return {
    vector: [...colour, ...hueShare, ...orientNorm, ...thumb, energy / n, extras.colorfulness],
    grouping: [...hueShare, ...orientNorm.map((v) => v * 0.5)],
    extras,
  };
}

const HUE_BINS = 12;

function hueOf(r: number, g: number, b: number, max: number, min: number): number {
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The counts of one text's hashed words and character trigrams (the learner weighs them by rarity, TF-IDF). */
export function textFeatures(text: string): number[] {
  const v = new Array<number>(TEXT_DIMS).fill(0);
  const lower = text.toLowerCase();
  const words = lower.match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words) v[hash(`w:${w}`) % TEXT_DIMS]! += 1;
  const padded = ` ${lower} `;
  for (let i = 0; i + 3 <= padded.length; i++) v[hash(`c:${padded.slice(i, i + 3)}`) % TEXT_DIMS]! += 0.3;
  return v.map((x) => Math.round(x * 10) / 10);
}

/** The text of a text sample (its inline content), or undefined for a file sample. */
export const inlineText = (source: string): string | undefined => (source.startsWith(CONTENT_SCHEME) ? source.slice(CONTENT_SCHEME.length) : undefined);

/** What a task's features hold besides the sample itself. */
export interface FeatureOptions {
  text: boolean;
  /** Auto grouping: the image's colour and edge make-up (not where things are). */
  grouping: boolean;
  brightness: boolean;
  colorfulness: boolean;
  ambiguity: boolean;
}

/** The feature vector of one sample (a file, or inline text). */
export async function sampleFeatures(store: ObjectStore, source: string, o: FeatureOptions): Promise<number[]> {
  const inline = inlineText(source);
  if (o.text || inline !== undefined) return textFeatures(inline ?? '');
  const image = await imageFeatures(store, source);
  const { extras } = image;
  const more = [
    ...(o.brightness ? [extras.brightness * 4] : []),
    ...(o.colorfulness ? [extras.colorfulness * 4] : []),
    ...(o.ambiguity ? [Math.log1p(extras.sharpness * 100)] : []),
  ];
  return [...(o.grouping ? image.grouping : image.vector), ...more];
}
