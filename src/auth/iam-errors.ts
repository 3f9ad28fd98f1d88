// The IAM APIs' own refusals, with IAM's codes in the one {"error_code","error_msg"} body; bad
// input stays ModelArts.0104 (errors.badParam), as every other route and the token route answer it.
import { ApiError, errors } from '#src/core/errors.ts';
import { IdentityError } from './identity-service.ts';

export const iamErrors = {
  /** The caller may not do this: not an admin of the account, or another user's key. */
  forbidden: (detail: string) => new ApiError(403, 'IAM.0002', `You are not authorized to perform the requested action: ${detail}.`),
  /** Unknown, or of another account (which is not told apart). */
  notFound: (what: string, id: string) => new ApiError(404, 'IAM.0004', `Could not find ${what}: ${id}.`),
  conflict: (detail: string) => new ApiError(409, 'IAM.0007', detail),
};

/** An identity rule's refusal as an answer: `field` names the request field an 'invalid' one is about. */
export function identityRefusal(e: unknown, field: string): unknown {
  if (!(e instanceof IdentityError)) return e;
  if (e.kind === 'conflict') return iamErrors.conflict(e.message);
  if (e.kind === 'missing') return new ApiError(404, 'IAM.0004', e.message);
  return errors.badParam(`${field}: ${e.message}`);
}

/** Runs an identity-service call, turning its refusals into answers. */
export async function underIdentityRules<T>(field: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw identityRefusal(e, field);
  }
}
