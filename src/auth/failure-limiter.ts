import type { Clock } from '#src/core/time.ts';
import { apiError, type ApiError } from '#src/core/errors.ts';

export interface FailureLimits {
  /** Failures a key may have in one window; 0 turns the limit off. */
  limit: number;
  windowSeconds: number;
}

interface Window {
  failures: number;
  /** Epoch ms when this window ends. */
  endsAt: number;
}

/** Keys tracked at most; beyond that the oldest window is forgotten. */
export const MAX_TRACKED_KEYS = 10_000;

/**
 * Counts authentication failures per key (an access key, a domain and user name) in fixed windows
 * that start with a key's first failure. Successes are not counted and do not reset a window.
 * Windows are kept in the order they started, which is also the order they end: expired ones are
 * dropped from the front, so memory stays bounded without scanning every key.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(
    private readonly limits: FailureLimits,
    private readonly clock: Clock,
    private readonly maxKeys = MAX_TRACKED_KEYS,
  ) {
    this.windowMs = limits.windowSeconds * 1000;
  }

  /** Whether the key has used up its failures for the current window. */
  exhausted(key: string): boolean {
    if (this.limits.limit === 0 || this.windows.size === 0) return false;
    const w = this.current(key, this.clock.now());
    return w !== undefined && w.failures >= this.limits.limit;
  }

  /** Records a failure; true when it is over the limit (the caller answers 429 instead of 401). */
  fail(key: string): boolean {
    if (this.limits.limit === 0) return false;
    const now = this.clock.now();
    let w = this.current(key, now);
    if (!w) {
      this.dropExpired(now);
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
      w = { failures: 0, endsAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.failures++;
    return w.failures > this.limits.limit;
  }

  /** Whole seconds until the key's window ends (at least 1). */
  retryAfterSeconds(key: string): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.endsAt - this.clock.now()) / 1000)) : 1;
  }

  /** Keys tracked now (for tests). */
  get size(): number {
    return this.windows.size;
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    if (w && w.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private dropExpired(now: number): void {
    for (const [key, w] of this.windows) {
      if (w.endsAt > now) return;
      this.windows.delete(key);
    }
  }
}

/** The 429 of a key over its limit. */
export function tooManyFailures(target: string, retryAfterSeconds: number): ApiError {
  return apiError(429, 'ModelArts.4206', target, `Try again in ${retryAfterSeconds} s.`);
}
