// Training configuration reaches the API: configured engines are offered (when they start), and a
// smaller pool shrinks the flavors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('training configuration', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      ATELIER_TRAINING_ENGINES: 'custom-py=CustomPy@/usr/bin/python3,broken=Broken@/nonexistent/python',
      ATELIER_LOCAL_POOL_CPU: '1',
    });
  });
  after(() => t.close());

  test('a configured engine that starts is listed; one that does not start is not', async () => {
    const { items } = await t.client.training.engines();
    const ids = items.map((e) => e.engine_id);
    assert.ok(ids.includes('custom-py'), `custom-py in ${ids.join(', ')}`);
    assert.ok(!ids.includes('broken'));
  });

  test('the pool is limited to one core: no flavor asks for more', async () => {
    const { flavors } = await t.client.training.flavors();
    assert.ok(flavors.length > 0);
    for (const f of flavors) assert.ok((f.flavor_info.cpu?.core_num ?? 0) <= 1, `${f.flavor_id} fits one core`);
  });
});
