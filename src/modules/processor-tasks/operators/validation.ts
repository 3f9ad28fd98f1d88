import { checkImage, type SizeLimits } from './image-check.ts';
import { batchReader, forEachLimited, type InputFile, type OperatorContext } from './context.ts';
import { num, type ParsedOperator } from './params.ts';

export const validationLimits = (op: ParsedOperator): SizeLimits => ({
  minWidth: num(op.params, 'image_min_width', 8),
  minHeight: num(op.params, 'image_min_height', 8),
  maxWidth: num(op.params, 'image_max_width', 65535),
  maxHeight: num(op.params, 'image_max_height', 65535),
});

async function validatePage(files: readonly InputFile[], limits: readonly SizeLimits[], ctx: OperatorContext): Promise<void> {
  const read = batchReader(ctx, files);
  // header reads wait on I/O more than on the CPU: more in flight than cores keeps both busy
  await forEachLimited(files, ctx.concurrency * 4, ctx.signal, async (f, i) => {
    const data = await read(i).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (data instanceof Error) return ctx.record({ origin: f, property: 2, description: [[`unreadable: ${data.message}`]] });
    const reasons: string[][] = [];
    for (const l of limits) {
      const check = await checkImage(f.key, data, l);
      if (check.reasons.length > 0) reasons.push(check.reasons);
    }
    if (reasons.length > 0) return ctx.record({ origin: f, property: 2, description: reasons });
    return ctx.record({ origin: f, property: 0, description: [['valid']] });
  });
}

/**
 * sys_data_validation: valid images are kept where they are, the others reported deleted with their
 * reasons. The files come a page at a time; the next page is listed while this one is validated.
 */
export async function runValidation(pages: AsyncIterable<readonly InputFile[]>, ops: readonly ParsedOperator[], ctx: OperatorContext): Promise<void> {
  const limits = ops.map(validationLimits);
  const it = pages[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      next = it.next();
      // a listing error surfaces when that page is awaited, not as an unhandled rejection meanwhile
      next.catch(() => undefined);
      await validatePage(page.value, limits, ctx);
    }
  } finally {
    await it.return?.(undefined);
  }
}
