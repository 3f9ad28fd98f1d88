import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

// Query strings, path parameters and headers arrive as text and are coerced to their schema types;
// a JSON body must already have the right types ("1" for an integer field is a 400).
const coercing = makeAjv(true);
const exact = makeAjv(false);

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === 'body' ? exact : coercing).compile(schema);
  const part = httpPart ?? 'body';
  const check = (data: unknown) => {
    if (!validate(data)) return { error: new ValidationFailure(part, validate.errors ?? []) };
    const nul = nulPath(data, '');
    return nul === undefined ? { value: data } : { error: new ValidationFailure(part, [nulError(nul)]) };
  };
  if (httpPart !== 'querystring') return check;
  // Most requests send no query string. What an empty one validates to (its defaults) is worked
  // out here once and each such request gets a copy; a schema that refuses it is checked as usual.
  const defaults: Record<string, unknown> = {};
  if (!validate(defaults) || !Object.values(defaults).every(isScalar)) return check;
  return (data: unknown) => (isEmptyObject(data) ? { value: { ...defaults } } : check(data));
};

/**
 * PostgreSQL cannot hold a NUL in text, and no ModelArts field means one, so a NUL anywhere in a
 * request (a value or a key) is refused with the field's name, on every database alike.
 */
function nulPath(data: unknown, path: string): string | undefined {
  if (typeof data === 'string') return data.includes('\0') ? path : undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = nulPath(data[i], `${path}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(data)) {
    const found = key.includes('\0') ? `${path}/${key.replaceAll('\0', '\\0')}` : nulPath(value, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const nulError = (instancePath: string): ErrorObject => ({
  keyword: 'nul',
  instancePath,
  schemaPath: '',
  params: {},
  message: 'must not contain a NUL character',
});

const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';

function isEmptyObject(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  for (const _ in data) return false;
  return true;
}

const partNames: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header', body: 'body' };

/** One Ajv error as "<part>.<field> <problem>", e.g. "body.content is required". */
export function describeValidationError(part: string, e: ErrorObject): string {
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  const where = [partNames[part] ?? part, path].filter(Boolean).join('.');
  switch (e.keyword) {
    case 'required':
      return `${where}.${String(e.params.missingProperty)} is required`;
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'additionalProperties':
      return `${where}.${String(e.params.additionalProperty)} is not allowed`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

export class ValidationFailure extends Error {
  constructor(
    readonly part: string,
    readonly details: ErrorObject[],
  ) {
    super(details.length > 0 ? describeValidationError(part, details[0]!) : `${part} is invalid`);
  }
}
