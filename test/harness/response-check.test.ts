// The wire-shape check itself (src/http/response-check.ts), on a small Fastify app: what it finds,
// what it lets pass, and its two modes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ResponseCheck, violationLines } from '#src/http/response-check.ts';
import { registerErrorHandler } from '#src/http/error-handler.ts';

async function appWith(check: ResponseCheck, add: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandler(app, 1024 * 1024);
  check.attach(app);
  add(app);
  await app.ready();
  return app;
}

const Item = Type.Object({ id: Type.String(), size: Type.Integer(), tags: Type.Optional(Type.Array(Type.String())) });

describe('response check', () => {
  test('finds undeclared fields, wrong types and missing fields, at any depth, before the serializer hides them', async () => {
    const check = new ResponseCheck();
    const app = await appWith(check, (a) => {
      a.get('/items', { schema: { operationId: 'ListItems', response: { 200: Type.Object({ items: Type.Array(Item) }) } } }, async () => ({
        items: [
          { id: 'a', size: 1 },
          { id: 'b', size: '2', extra: true },
        ],
        total: 2,
      }));
      a.get('/item', { schema: { operationId: 'ShowItem', response: { 200: Item } } }, async () => ({ size: 3 }));
    });
    const res = await app.inject({ method: 'GET', url: '/items' });
    assert.equal(res.statusCode, 200, 'record mode does not change the answer');
    // What the serializer made of it: the extra fields dropped, "2" turned into 2. A client never sees the fault.
    assert.deepEqual(JSON.parse(res.body), {
      items: [
        { id: 'a', size: 1 },
        { id: 'b', size: 2 },
      ],
    });
    await app.inject({ method: 'GET', url: '/item' });
    assert.deepEqual(violationLines(check.violations), [
      'ListItems 200 /items/1/extra: undeclared field',
      'ListItems 200 /items/1/size: is the string "2", the schema says integer',
      'ListItems 200 /total: undeclared field',
      'ShowItem 200 /id: missing required field',
    ]);
    assert.equal(check.checked.get('GET /items'), 1);
  });

  test('a body that is null, an array, a scalar or empty is refused; 204 carries none; errors are not checked', async () => {
    const check = new ResponseCheck();
    const app = await appWith(check, (a) => {
      a.delete('/null', { schema: { operationId: 'DeleteNull', response: { 202: Type.Null() } } }, async (_r, reply) => reply.code(202).send(null));
      a.delete('/empty', { schema: { operationId: 'DeleteEmpty' } }, async (_r, reply) => reply.code(202).send());
      a.get('/list', { schema: { operationId: 'GetArray' } }, async () => [1, 2]);
      a.get('/text', { schema: { operationId: 'GetText' } }, async (_r, reply) => reply.type('application/json').send('"ok"'));
      a.delete('/gone', { schema: { operationId: 'DeleteGone' } }, async (_r, reply) => reply.code(204).send());
      a.get('/missing', { schema: { operationId: 'GetMissing' } }, async (_r, reply) => reply.code(404).send({ anything: 1 }));
      a.get('/file', { schema: { operationId: 'GetFile' } }, async (_r, reply) => reply.type('text/plain').send('a log line\n'));
    });
    for (const [method, url] of [
      ['DELETE', '/null'],
      ['DELETE', '/empty'],
      ['GET', '/list'],
      ['GET', '/text'],
      ['DELETE', '/gone'],
      ['GET', '/missing'],
      ['GET', '/file'],
    ] as const) {
      await app.inject({ method, url });
    }
    assert.deepEqual(violationLines(check.violations), [
      'DeleteEmpty 202 (body): empty body; send {} where the spec shows none',
      'DeleteNull 202 (body): body is null, not a JSON object',
      'GetArray 200 (body): body is an array, not a JSON object',
      'GetArray 200 (body): no response schema declared for 200',
      'GetText 200 (body): body is the string "ok", not a JSON object',
      'GetText 200 (body): no response schema declared for 200',
    ]);
  });

  test('open schemas stay open: records, explicit additionalProperties, and intersections with a record', async () => {
    const check = new ResponseCheck();
    const Open = Type.Object({
      labels: Type.Record(Type.String(), Type.Integer()),
      config: Type.Object({ name: Type.String() }, { additionalProperties: true }),
      both: Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Optional(Type.Integer()) })]),
      property: Type.Intersect([Type.Object({ '@modelarts:x': Type.Optional(Type.String()) }), Type.Record(Type.String(), Type.Unknown())]),
      free: Type.Object({}),
    });
    const app = await appWith(check, (a) => {
      a.get('/open', { schema: { operationId: 'GetOpen', response: { 200: Open } } }, async () => ({
        labels: { cat: 1, dog: 2 },
        config: { name: 'n', other: 'kept' },
        both: { a: 'x', b: 1, c: 'not declared by either branch' },
        property: { '@modelarts:x': 'y', custom: 5 },
        free: { anything: true },
      }));
    });
    await app.inject({ method: 'GET', url: '/open' });
    assert.deepEqual(violationLines(check.violations), ['GetOpen 200 /both/c: undeclared field']);
  });

  test('fail mode answers a violating 2xx with a 500 naming the route, the field and the problem', async () => {
    const check = new ResponseCheck({ fail: true });
    const app = await appWith(check, (a) => {
      a.get('/item', { schema: { operationId: 'ShowItem', response: { 200: Item } } }, async () => ({ id: 'a', size: 1.5 }));
      a.get('/good', { schema: { operationId: 'ShowGood', response: { 200: Item } } }, async () => ({ id: 'a', size: 1 }));
    });
    const bad = await app.inject({ method: 'GET', url: '/item' });
    assert.equal(bad.statusCode, 500);
    const body = JSON.parse(bad.body) as { error_code: string; error_msg: string };
    assert.equal(body.error_code, 'ModelArts.0010');
    assert.match(body.error_msg, /ShowItem 200 \/size: is the number 1\.5, the schema says integer/);
    assert.equal((await app.inject({ method: 'GET', url: '/good' })).statusCode, 200);
  });

  test('the route table holds every route but HEAD, with its operation id and whether it is public or hidden', async () => {
    const check = new ResponseCheck();
    await appWith(check, (a) => {
      a.get('/x/:id', { schema: { operationId: 'ShowX' }, config: { public: true } }, async () => ({}));
      a.get('/health', { schema: { operationId: 'Health', hide: true } }, async () => ({}));
    });
    assert.deepEqual(
      check.routes.map((r) => [r.method, r.url, r.operationId, r.public, r.hidden]),
      [
        ['GET', '/x/:id', 'ShowX', true, false],
        ['GET', '/health', 'Health', false, true],
      ],
    );
  });
});
