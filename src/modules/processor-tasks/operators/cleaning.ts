import type { InputFile, OperatorContext } from './context.ts';
import { dedupe } from './dedupe.ts';
import { bool, num, type ParsedOperator } from './params.ts';
import { validationLimits } from './validation.ts';

/**
 * sys_data_cleaning: drops corrupt files, exact duplicates, near duplicates (pHash distance within
 * embedding_distance, or similarity at or above simlarity_threshold) and, with do_validation, files
 * failing validation.
 */
export async function runCleaning(files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext): Promise<void> {
  const op = ops[0];
  if (!op) return;
  const similarity = Math.min(num(op.params, 'simlarity_threshold', 0.9), 1 - num(op.params, 'embedding_distance', 0.1));
  const validate = bool(op.params, 'do_validation', true) ? validationLimits(op) : undefined;
  await dedupe(files, { similarity, ...(validate ? { validate } : {}) }, ctx, 'cleaning');
}
