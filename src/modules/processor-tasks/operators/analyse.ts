import { imageFeatures } from './features.ts';
import { annotationOf, forEachLimited, readFile, type InputFile, type OperatorContext } from './context.ts';
import { ANALYSE_FEATURES, type ParsedOperator } from './params.ts';

// sys_data_analyse: the features of every image (and of its boxes), summed up as histograms.

export interface Histogram {
  feature: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  bins: { lower: number; upper: number; count: number }[];
}

const BINS = 10;

export function histogram(feature: string, values: readonly number[], normed: boolean): Histogram {
  if (values.length === 0) return { feature, count: 0, min: 0, max: 0, mean: 0, bins: [] };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const width = max > min ? (max - min) / BINS : 1;
  const counts = new Array<number>(BINS).fill(0);
  for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]! += 1;
  const bins = counts.map((c, i) => ({ lower: min + i * width, upper: min + (i + 1) * width, count: normed ? c / values.length : c }));
  return { feature, count: values.length, min, max, mean: sum / values.length, bins };
}

export async function runAnalyse(files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext): Promise<{ histograms: Histogram[] }> {
  const op = ops[0];
  const listed = op && Array.isArray(op.params['op_list']) ? (op.params['op_list'] as string[]) : [];
  const wanted = new Set<string>(listed.length > 0 ? listed : ANALYSE_FEATURES);
  const normed = op?.params['is_normed'] === true;
  const values = new Map<string, number[]>(ANALYSE_FEATURES.map((f) => [f, []]));
  const add = (feature: string, v: number): void => void values.get(feature)?.push(v);
  await forEachLimited(files, ctx.concurrency, ctx.signal, async (f) => {
    try {
      const feat = await imageFeatures(await readFile(ctx, f));
      add('resolution', feat.width * feat.height);
      add('aspect_ratio', feat.width / Math.max(1, feat.height));
      add('brightness', feat.brightness);
      add('clarity', feat.clarity);
      add('colorfulness', feat.colorfulness);
      const details = [
        `resolution ${feat.width}x${feat.height}`,
        `aspect_ratio ${(feat.width / Math.max(1, feat.height)).toFixed(3)}`,
        `brightness ${feat.brightness.toFixed(1)}`,
        `clarity ${feat.clarity.toFixed(1)}`,
        `colorfulness ${feat.colorfulness.toFixed(1)}`,
      ];
      const voc = await annotationOf(ctx, f);
      if (voc) {
        const boxes = voc.objects.filter((o) => o.shape === 'bndbox');
        add('bbox_count', boxes.length);
        for (const b of boxes) {
          const [a, c] = b.feature;
          const area = Math.abs(((c?.[0] ?? 0) - (a?.[0] ?? 0)) * ((c?.[1] ?? 0) - (a?.[1] ?? 0)));
          add('bbox_size', area / Math.max(1, feat.width * feat.height));
        }
        details.push(`bbox_count ${boxes.length}`);
      }
      await ctx.record({ origin: f, property: 0, description: [details] });
    } catch (e) {
      await ctx.record({ origin: f, property: 2, description: [[`not analysed: ${e instanceof Error ? e.message : String(e)}`]] });
    }
  });
  return { histograms: ANALYSE_FEATURES.filter((f) => wanted.has(f)).map((f) => histogram(f, values.get(f) ?? [], normed)) };
}
