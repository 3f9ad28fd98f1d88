import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { assertObjectBodies, recordBodies, routesTagged } from '../helpers/object-bodies.ts';
import { importModel, onnxPackage, putPackage } from './fixtures.ts';

let t: TestApp;
let source: string;

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  source = await putPackage(t, 'wire-models', 'linear', onnxPackage());
});
after(() => t.close());

type CreateBody = Parameters<AtelierClient['models']['create']>[0];
const base = { model_name: 'bounded', model_version: '1.0.0', model_type: 'PyTorch' as const };

test('every 2xx body of the model routes is a JSON object', async () => {
  const routes = await routesTagged(t.url, ['Model Management']);
  const recorder = recordBodies(t.client);
  const id = await importModel(t.client, source, 'wire', '1.0.0');
  await t.client.models.list();
  await t.client.models.show(id);
  await t.client.models.delete(id);
  assertObjectBodies(recorder, routes);
});

test('paging bounds: a huge offset or limit is a 400 naming the field; offset is a page number', async () => {
  for (const offset of ['9007199254740993', '1e20', '10000001', '-1']) {
    const res = await t.client.http.raw('GET', '/v1/{project_id}/models', { query: { offset } });
    assert.equal(res.status, 400, `offset=${offset}: ${res.text}`);
    assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    assert.match((res.json as { error_msg: string }).error_msg, /offset/);
  }
  const limit = await t.client.http.raw('GET', '/v1/{project_id}/models', { query: { limit: '1e20' } });
  assert.equal(limit.status, 400);
  assert.match((limit.json as { error_msg: string }).error_msg, /limit/);
  assert.equal((await t.client.models.list({ offset: 10_000_000, limit: 1000 })).count, 0, 'the largest page is served');
  for (const v of ['2.0.0', '2.0.1', '2.0.2']) await importModel(t.client, source, 'paged', v);
  const page = await t.client.models.list({ model_name: 'paged', sort_by: 'model_version', order: 'asc', limit: 2, offset: 1 });
  assert.deepEqual(
    page.models.map((m) => m.model_version),
    ['2.0.2'],
    'page 1 of 2 records: the third record',
  );
  assert.equal(page.total_count, 3);
});

test('request bounds: oversized arrays and strings are 400s naming the field, nothing stored', async () => {
  const before = (await t.client.models.list()).total_count;
  const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
  const param = { protocol: 'http', method: 'post', url: '/', param_name: 'x', param_type: 'int' };
  const cases: [Record<string, unknown>, string][] = [
    [{ model_docs: many(4, () => ({ doc_url: 'https://a/b', doc_name: 'doc' })) }, 'model_docs'],
    [{ dependencies: many(21, () => ({ installer: 'pip', packages: [] })) }, 'dependencies'],
    [{ dependencies: [{ installer: 'pip', packages: many(101, (i) => ({ package_name: `p${i}` })) }] }, 'packages'],
    [{ apis: many(21, () => ({ url: '/' })) }, 'apis'],
    [{ input_params: many(101, () => param) }, 'input_params'],
    [{ output_params: [{ ...param, max: 1e300 }] }, 'max'],
    [{ install_type: ['real-time', 'batch', 'edge', 'batch'] }, 'install_type'],
    [{ apis: [{ input_params: { properties: Object.fromEntries(many(101, (i) => [`k${i}`, {}])) } }] }, 'properties'],
    [{ model_metrics: 'm'.repeat(4097) }, 'model_metrics'],
    [{ initial_config: 'c'.repeat(1024 * 1024 + 1) }, 'initial_config'],
  ];
  for (const [extra, field] of cases) {
    await assert.rejects(t.client.models.create({ ...base, source_location: source, ...extra } as CreateBody), apiFailure(400, 'ModelArts.0104', field), field);
  }
  assert.equal((await t.client.models.list()).total_count, before);
});
