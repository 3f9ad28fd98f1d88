import sharp from 'sharp';
import { vocObjectToLabel, writeVoc, SHAPE_KEY, type VocAnnotation } from '#src/formats/index.ts';
import { shapelessLabels } from '../inputs.ts';
import { augment } from './augment.ts';
import { annotationOf, baseName, forEachLimited, keep, outputKey, readFile, type InputFile, type OperatorContext } from './context.ts';
import { num, type ParsedOperator } from './params.ts';

const FORMATS = new Set<string>(['jpeg', 'png', 'webp', 'gif', 'tiff']);

/**
 * sys_data_augmentation: every image is kept, and each switched-on operator adds one transformed
 * copy (with its VOC annotation transformed alike) as <name>_<operator>.<ext>.
 */
export async function runAugmentation(files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext): Promise<void> {
  const active = ops.filter((op) => num(op.params, op.name, 1) === 1);
  await forEachLimited(files, ctx.concurrency, ctx.signal, async (f) => {
    let data: Buffer;
    let format: string | undefined;
    try {
      data = await readFile(ctx, f);
      format = (await sharp(data).metadata()).format;
    } catch (e) {
      return ctx.record({ origin: f, property: 2, description: [[`not augmented: ${e instanceof Error ? e.message : String(e)}`]] });
    }
    if (!FORMATS.has(format)) return ctx.record({ origin: f, property: 2, description: [[`not augmented: unsupported format ${format}`]] });
    const annotation = await annotationOf(ctx, f);
    // boxes keep the label type they had (600 on video frames), else object detection's
    const boxType = f.labels?.find((l) => l.property?.[SHAPE_KEY] !== undefined)?.type ?? 1;
    await ctx.record({ origin: f, newKey: await keep(ctx, f), property: 0, description: [['original kept']] });
    const name = baseName(f.key);
    const dot = name.lastIndexOf('.');
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    for (const op of active) {
      const out = await augment(data, format as keyof sharp.FormatEnum, op, annotation?.objects);
      const newName = `${stem}_${op.name}${ext}`;
      const key = outputKey(ctx, newName);
      await ctx.objects.put(ctx.output.bucket, key, out.data);
      if (annotation && out.objects) {
        const voc: VocAnnotation = {
          ...annotation,
          filename: newName,
          size: { width: out.width, height: out.height, depth: annotation.size?.depth ?? 3 },
          objects: out.objects,
        };
        await ctx.objects.put(ctx.output.bucket, outputKey(ctx, `${stem}_${op.name}.xml`), writeVoc(voc));
      }
      const labels = [...shapelessLabels(f.labels), ...(out.objects ?? []).map((o) => vocObjectToLabel(o, boxType))];
      await ctx.record({ origin: f, newKey: key, property: 3, description: [[out.description]], labels });
    }
  });
}
