import { Type, type TSchema } from 'typebox';

/** The error body of every failure: {"error_code": "ModelArts.XXXX", "error_msg": "..."}. */
export const ErrorBody = Type.Object({ error_code: Type.String(), error_msg: Type.String() }, { $id: 'ErrorBody', description: 'ModelArts error' });

/** Adds the error responses every authenticated API can give, for the OpenAPI document. */
export function withErrors<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody };
}

/** The spec's {"result": "true"} acknowledgement. */
export const ResultBody = Type.Object({ result: Type.String({ examples: ['true'] }) });

/** A string enum validated as {enum: [...]}, so errors list the allowed values. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const ProjectParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
});

/** The `{}` body of an answer the spec shows as empty or null (the official Node.js SDK fails on null). */
export const EmptyObject = Type.Object({}, { description: 'An empty object' });
