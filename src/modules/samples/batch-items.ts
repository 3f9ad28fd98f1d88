// The batch sample APIs (#13, #14, #25) answer per item: one bad item fails alone, with its error
// code and message in results[], in the order the request gave the items; the rest go ahead.
import { ApiError } from '#src/core/errors.ts';

/** One item of a batch: its error, once something refused it. */
export interface BatchItem {
  index: number;
  error?: ApiError;
}

/** Runs a check of one item; an ApiError fails the item, anything else is the server's own failure. */
export function attempt<T extends BatchItem>(item: T, check: (item: T) => void): void {
  if (item.error) return;
  try {
    check(item);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    item.error = e;
  }
}

export async function attemptAsync<T extends BatchItem>(item: T, check: (item: T) => Promise<void>): Promise<void> {
  if (item.error) return;
  try {
    await check(item);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    item.error = e;
  }
}

export const pending = <T extends BatchItem>(items: readonly T[]): T[] => items.filter((i) => !i.error);

/** The error fields of a failed item (error_code, error_msg), as the results carry them. */
export const failure = (e: ApiError) => ({ success: false as const, ...e.toBody() });

/**
 * The overall part of a batch answer: success, and when items failed, the first failure's code with a
 * message that counts them (results[] has each one).
 */
export function overall(items: readonly BatchItem[], noun: string): { success: boolean; error_code?: string; error_msg?: string } {
  const failed = items.filter((i) => i.error);
  if (failed.length === 0) return { success: true };
  return {
    success: false,
    error_code: failed[0]!.error!.code,
    error_msg: `${failed.length} of ${items.length} ${noun} failed; results[] gives the reason for each`,
  };
}
