// The object URL family's errors over the one catalogue (#src/core/errors.ts).
import { apiError, type ApiError } from '#src/core/errors.ts';

export const objectUrlErrors = {
  /** The URL's signature does not hold (altered, or expired): why, in parentheses. */
  refused: (why: string): ApiError => apiError(403, 'ModelArts.0108', 'read object', `(${why})`),
  /** A sample file that cannot be read, or shown as asked (ModelArts' "Get obs sample error"). */
  unreadableSample: (detail: string): ApiError => apiError(400, 'ModelArts.4651', `(${detail})`),
};
