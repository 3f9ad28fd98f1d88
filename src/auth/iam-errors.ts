// The IAM APIs' refusals in the one {"error_code","error_msg"} body with ModelArts codes, as the token
// route answers (the spec's catalogue holds no IAM codes): bad input is ModelArts.0104 naming the
// field, a refusal by role ModelArts.0108, an unknown (or another account's) project ModelArts.6650,
// any other unknown thing ModelArts.4338, and a clash with what is stored (a taken name, the key
// limit, a project holding work) 409 ModelArts.0107.
import { ApiError, errors } from '#src/core/errors.ts';
import { IdentityError } from './identity-service.ts';

export const iamErrors = {
  /** The caller may not do this: not an admin of the account, or another user's key. */
  forbidden: (detail: string) => errors.forbidden(detail),
  /** Unknown, or of another account (which is not told apart). */
  notFound: (what: string, id: string) =>
    what === 'project'
      ? new ApiError(404, 'ModelArts.6650', `Ensure that the project already exists (no project ${id} in your account).`)
      : new ApiError(404, 'ModelArts.4338', `The resource not exists (no ${what} ${id} in your account).`),
  conflict: (detail: string) => new ApiError(409, 'ModelArts.0107', detail),
};

/** An identity rule's refusal as an answer: `field` names the request field an 'invalid' one is about. */
export function identityRefusal(e: unknown, field: string): unknown {
  if (!(e instanceof IdentityError)) return e;
  if (e.kind === 'conflict') return iamErrors.conflict(e.message);
  if (e.kind === 'missing') return new ApiError(404, 'ModelArts.4338', `The resource not exists (${e.message}).`);
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
