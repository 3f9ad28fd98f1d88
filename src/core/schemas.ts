import { Type, type TSchema } from 'typebox';

/** The error body of every failure: {"error_code": "ModelArts.XXXX", "error_msg": "..."}. */
export const ErrorBody = Type.Object(
  {
    error_code: Type.String({ description: 'Stable code of the failure, ModelArts.NNNN or APIG.NNNN; match on this, not on the message' }),
    error_msg: Type.String({ description: 'What went wrong, for a person: names the field or resource concerned' }),
  },
  { $id: 'ErrorBody', description: 'ModelArts error' },
);

/** Adds the error responses every authenticated API can give, for the OpenAPI document. */
export function withErrors<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody };
}

/** The spec's {"result": "true"} acknowledgement. */
export const ResultBody = Type.Object({ result: Type.String({ examples: ['true'], description: '"true" when the request was carried out' }) });

/** A string enum validated as {enum: [...]}, so errors list the allowed values. Use StringCodes where the values need explaining. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const ProjectParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
});

/** The `{}` body of an answer the spec shows as empty or null (the official Node.js SDK fails on null). */
export const EmptyObject = Type.Object({}, { description: 'An empty object' });

/** "0: meaning; 1: meaning": the values of a coded field in words (a response field without an enum lists them so). */
export const meaningsText = (meanings: Record<string | number, string>): string =>
  Object.entries(meanings)
    .map(([value, meaning]) => `${value}: ${meaning}`)
    .join('; ');

/** "lead. 0: meaning; 1: meaning", the description of a coded field, so each value is explained where it is declared. */
const codesDescription = (meanings: Record<string | number, string>, lead: string): string => `${lead}. ${meaningsText(meanings)}`;

/**
 * An integer code field (dataset_type, label_type, status numbers): validated as {enum: [...]} and
 * described with what each value means. `meanings` must name every value: the type checker sees to it.
 */
export const IntCodes = <const T extends readonly number[]>(
  values: T,
  meanings: Record<T[number], string>,
  lead: string,
  options: { default?: T[number] } = {},
) => Type.Unsafe<T[number]>({ type: 'integer', enum: [...values], description: codesDescription(meanings, lead), ...options });

/** A string code field whose values need explaining (status, phase, kind), described like IntCodes. */
export const StringCodes = <const T extends readonly string[]>(
  values: T,
  meanings: Record<T[number], string>,
  lead: string,
  options: { default?: T[number] } = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description: codesDescription(meanings, lead), ...options });
