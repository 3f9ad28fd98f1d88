import type { InputFile, OperatorContext } from './context.ts';
import { dedupe } from './dedupe.ts';
import { bool, num, type ParsedOperator } from './params.ts';
import { validationLimits } from './validation.ts';

/** sys_data_selection: keeps images within the size and aspect rules that do not resemble one kept before. */
export async function runSelection(files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext): Promise<void> {
  const op = ops[0];
  if (!op) return;
  const minW = num(op.params, 'image_min_width', 1);
  const minH = num(op.params, 'image_min_height', 1);
  const maxW = num(op.params, 'image_max_width', 65535);
  const maxH = num(op.params, 'image_max_height', 65535);
  const minA = num(op.params, 'min_aspect_ratio', 0.01);
  const maxA = num(op.params, 'max_aspect_ratio', 100);
  const rule = (w: number, h: number): string | undefined => {
    if (w < minW || h < minH || w > maxW || h > maxH) return `size ${w}x${h} outside ${minW}x${minH} to ${maxW}x${maxH}`;
    const a = w / Math.max(1, h);
    if (a < minA || a > maxA) return `aspect ratio ${a.toFixed(2)} outside ${minA} to ${maxA}`;
    return undefined;
  };
  const validate = bool(op.params, 'do_validation', true) ? { ...validationLimits(op), minWidth: 1, minHeight: 1 } : undefined;
  await dedupe(files, { similarity: num(op.params, 'simlarity_threshold', 0.9), rule, ...(validate ? { validate } : {}) }, ctx, 'selection');
}
