// The schema compiler every route uses: coercion and defaults for query strings, exact types for
// bodies, and the field named in every refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { validatorCompiler } from '#src/http/validation.ts';

type Result = { value?: unknown; error?: Error };

function compile(schema: object, httpPart: string): (data: unknown) => Result {
  const def: FastifyRouteSchemaDef<object> = { schema, httpPart, method: 'GET', url: '/t' };
  return validatorCompiler(def) as (data: unknown) => Result;
}

const Page = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
});

test('an empty query string gets the defaults, in a fresh object each time', () => {
  const check = compile(Page, 'querystring');
  const first = check({});
  assert.deepEqual(first.value, { limit: 10, offset: 0 });
  (first.value as Record<string, unknown>).limit = 99;
  assert.deepEqual(check({}).value, { limit: 10, offset: 0 }, 'a change to one request is not seen by the next');
  assert.notEqual(check({}).value, check({}).value);
});

test('a query string with values is coerced and checked as before', () => {
  const check = compile(Page, 'querystring');
  assert.deepEqual(check({ limit: '5', order: 'asc' }).value, { limit: 5, offset: 0, order: 'asc' });
  assert.equal(check({ limit: '500' }).error?.message, 'query.limit must be <= 100');
  assert.match(check({ order: 'up' }).error?.message ?? '', /^query\.order /);
});

test('a query string whose empty form is refused is refused each time, naming the field', () => {
  const check = compile(Type.Object({ name: Type.String() }), 'querystring');
  for (let i = 0; i < 2; i++) assert.equal(check({}).error?.message, 'query.name is required');
});

test('string lengths count characters, a character outside the BMP as one', () => {
  const check = compile(Type.Object({ name: Type.String({ maxLength: 4 }) }), 'body');
  assert.ok(check({ name: '😀😀😀😀' }).value);
  assert.equal(check({ name: '😀😀😀😀a' }).error?.message, 'body.name must NOT have more than 4 characters');
});

test('a NUL anywhere in a request, in a value or a key, is refused naming the field', () => {
  const body = compile(Type.Object({ tags: Type.Array(Type.Record(Type.String(), Type.String())) }), 'body');
  assert.ok(body({ tags: [{ a: 'b\n\tc' }] }).value, 'other control characters are left to the schema');
  assert.equal(body({ tags: [{ a: 'x\u0000' }] }).error?.message, 'body.tags.0.a must not contain a NUL character');
  assert.equal(body({ tags: [{}, { 'k\u0000': 'v' }] }).error?.message, 'body.tags.1.k\\0 must not contain a NUL character');
  const path = compile(Type.Object({ dataset_id: Type.String() }), 'params');
  assert.equal(path({ dataset_id: 'a\u0000b' }).error?.message, 'path.dataset_id must not contain a NUL character');
  const query = compile(Page, 'querystring');
  assert.equal(query({ order: 'asc', extra: '\u0000' }).error?.message, 'query.extra must not contain a NUL character');
});
