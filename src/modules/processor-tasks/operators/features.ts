import sharp from 'sharp';

// Pixel features of one image: brightness, clarity (variance of the Laplacian), colourfulness
// (Hasler and Süsstrunk) and a DCT perceptual hash for near-duplicate search.

export interface ImageFeatures {
  width: number;
  height: number;
  brightness: number;
  clarity: number;
  colorfulness: number;
}

/** The features are measured on a copy at most this wide and high, as the guide's analysis does on thumbnails. */
const SAMPLE_SIDE = 256;

export async function imageFeatures(data: Buffer): Promise<ImageFeatures> {
  const img = sharp(data);
  const meta = await img.metadata();
  const { data: px, info } = await img
    .resize(SAMPLE_SIDE, SAMPLE_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const ch = info.channels;
  const n = w * h;
  const luma = new Float32Array(n);
  let sumL = 0;
  let sRg = 0;
  let sRg2 = 0;
  let sYb = 0;
  let sYb2 = 0;
  for (let i = 0; i < n; i++) {
    const r = px[i * ch] ?? 0;
    const g = ch >= 3 ? (px[i * ch + 1] ?? 0) : r;
    const b = ch >= 3 ? (px[i * ch + 2] ?? 0) : r;
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    luma[i] = l;
    sumL += l;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sRg2 += rg * rg;
    sYb += yb;
    sYb2 += yb * yb;
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const colorfulness = Math.sqrt(Math.max(0, sRg2 / n - mRg * mRg) + Math.max(0, sYb2 / n - mYb * mYb)) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
  let sLap = 0;
  let sLap2 = 0;
  let m = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = (luma[i - 1] ?? 0) + (luma[i + 1] ?? 0) + (luma[i - w] ?? 0) + (luma[i + w] ?? 0) - 4 * (luma[i] ?? 0);
      sLap += lap;
      sLap2 += lap * lap;
      m++;
    }
  }
  const clarity = m > 0 ? sLap2 / m - (sLap / m) ** 2 : 0;
  return { width: meta.width ?? w, height: meta.height ?? h, brightness: sumL / n, clarity, colorfulness };
}

const HASH_SIDE = 32;
const LOW = 8;
const COS: Float64Array = (() => {
  const t = new Float64Array(LOW * HASH_SIDE);
  for (let u = 0; u < LOW; u++) for (let x = 0; x < HASH_SIDE; x++) t[u * HASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE));
  return t;
})();

/** 64-bit pHash: the signs of the lowest 8x8 DCT frequencies of a 32x32 greyscale copy, against their median. */
export async function perceptualHash(data: Buffer): Promise<bigint> {
  const px = await sharp(data).greyscale().resize(HASH_SIDE, HASH_SIDE, { fit: 'fill' }).raw().toBuffer();
  const rows = new Float64Array(LOW * HASH_SIDE);
  for (let u = 0; u < LOW; u++) {
    for (let y = 0; y < HASH_SIDE; y++) {
      let s = 0;
      for (let x = 0; x < HASH_SIDE; x++) s += (px[y * HASH_SIDE + x] ?? 0) * (COS[u * HASH_SIDE + x] ?? 0);
      rows[u * HASH_SIDE + y] = s;
    }
  }
  const coeffs: number[] = [];
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let y = 0; y < HASH_SIDE; y++) s += (rows[u * HASH_SIDE + y] ?? 0) * (COS[v * HASH_SIDE + y] ?? 0);
      coeffs.push(s);
    }
  }
  const sorted = coeffs.slice(1).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  let hash = 0n;
  for (let i = 0; i < coeffs.length; i++) if ((coeffs[i] ?? 0) > median) hash |= 1n << BigInt(i);
  return hash;
}

/** 1 for equal hashes, 0 when every bit differs. */
export function hashSimilarity(a: bigint, b: bigint): number {
  let x = a ^ b;
  let bits = 0;
  while (x) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return 1 - bits / 64;
}
