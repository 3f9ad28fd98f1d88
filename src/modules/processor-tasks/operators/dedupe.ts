import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { checkImage, type SizeLimits } from './image-check.ts';
import { hashSimilarity, perceptualHash } from './features.ts';
import { forEachLimited, keep, readFile, type InputFile, type OperatorContext } from './context.ts';

// The pass cleaning and selection share: each image is read once, checked, and hashed (MD5 for
// exact copies, pHash for near ones); then, in input order, a file is dropped when it fails the
// rules or resembles one already kept.

export interface Screened {
  file: InputFile;
  reasons: string[];
  md5?: string;
  phash?: bigint;
  width?: number;
  height?: number;
}

export interface DedupeRules {
  /** Validation limits, when the operator validates (do_validation). */
  validate?: SizeLimits;
  /** Extra per-image rule: why the image is dropped, or undefined. */
  rule?: (width: number, height: number) => string | undefined;
  /** Near duplicates: pHash similarity at or above this. */
  similarity: number;
}

async function screen(ctx: OperatorContext, file: InputFile, rules: DedupeRules): Promise<Screened> {
  let data: Buffer;
  try {
    data = await readFile(ctx, file);
  } catch (e) {
    return { file, reasons: [`unreadable: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const md5 = createHash('md5').update(data).digest('hex');
  if (rules.validate) {
    const check = await checkImage(file.key, data, rules.validate);
    if (check.reasons.length > 0) return { file, reasons: check.reasons, md5 };
  }
  try {
    const meta = await sharp(data).metadata();
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    const why = rules.rule?.(width, height);
    if (why) return { file, reasons: [why], md5, width, height };
    return { file, reasons: [], md5, phash: await perceptualHash(data), width, height };
  } catch (e) {
    return { file, reasons: [`corrupt: ${e instanceof Error ? e.message : String(e)}`], md5 };
  }
}

export async function dedupe(files: readonly InputFile[], rules: DedupeRules, ctx: OperatorContext, label: string): Promise<void> {
  const screened: Screened[] = new Array<Screened>(files.length);
  await forEachLimited(files, ctx.concurrency, ctx.signal, async (f, i) => {
    screened[i] = await screen(ctx, f, rules);
  });
  const byMd5 = new Map<string, string>();
  const kept: { phash: bigint; key: string }[] = [];
  for (const s of screened) {
    ctx.signal.throwIfAborted();
    if (s.reasons.length > 0) {
      await ctx.record({ origin: s.file, property: 2, description: [s.reasons] });
      continue;
    }
    const source = `obs://${s.file.bucket}/${s.file.key}`;
    const same = s.md5 !== undefined ? byMd5.get(s.md5) : undefined;
    if (same) {
      await ctx.record({ origin: s.file, property: 2, description: [[`exact duplicate of ${same}`]] });
      continue;
    }
    const phash = s.phash ?? 0n;
    const near = kept.find((k) => hashSimilarity(k.phash, phash) >= rules.similarity);
    if (near) {
      await ctx.record({
        origin: s.file,
        property: 2,
        description: [[`near duplicate of ${near.key} (similarity ${hashSimilarity(near.phash, phash).toFixed(2)})`]],
      });
      continue;
    }
    if (s.md5 !== undefined) byMd5.set(s.md5, source);
    kept.push({ phash, key: source });
    await ctx.record({ origin: s.file, newKey: await keep(ctx, s.file), property: 0, description: [[`kept by ${label}`]] });
  }
}
