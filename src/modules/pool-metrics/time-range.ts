import { poolMetricsErrors } from './errors.ts';

const MINUTE = 60_000;
/** The spec's bound on the number of steps in one answer: minutes × 60 / period. */
const MAX_STEPS = 1440;

/** Reads time_range (start.end.minutes, -1 meaning "count from the other") into [from, to) in ms. */
export function parseTimeRange(text: string, periodSeconds: number, now: number): { from: number; to: number } {
  const [startText, endText, minutesText] = text.split('.');
  const start = Number(startText);
  const end = Number(endText);
  const minutes = Number(minutesText);
  const bad = (why: string) => poolMetricsErrors.badRequest(`time_range ${text}: ${why}`);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !Number.isSafeInteger(minutes)) throw bad('each part must be an integer');
  if (minutes <= 0) throw bad('the minutes must be above 0');
  if ((start < 0 && start !== -1) || (end < 0 && end !== -1)) throw bad('a time is milliseconds since the epoch, or -1');
  if ((minutes * 60) / periodSeconds > MAX_STEPS) throw bad(`minutes × 60 / period (${periodSeconds}) must be at most ${MAX_STEPS}`);
  const span = minutes * MINUTE;
  if (start === -1 && end === -1) return { from: now - span, to: now };
  if (start === -1) return { from: end - span, to: end };
  if (end === -1) return { from: start, to: Math.min(start + span, now) };
  if (end <= start) throw bad('the end must come after the start');
  if (minutes < (end - start) / MINUTE - 1) throw bad('the minutes must be at least the span between start and end less one');
  return { from: start, to: end };
}
