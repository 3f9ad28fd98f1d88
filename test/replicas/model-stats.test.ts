// A real-time service's per-model numbers across replicas: predictions through each of two servers on one database
// are counted once each, and both answer the same invocation and failure counts and the same median latency in the
// service monitor (and the same totals in ShowService), once each replica has flushed. Runs on SQLite and PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, putPackage } from '../models/fixtures.ts';
import { running, small } from '../services/gateway-fixtures.ts';
import { secondReplica } from './second-replica.ts';

test('predictions through two replicas: both monitors show every one of them, with one median latency', async () => {
  const t = await startTestApp();
  const { app: other, client: viaOther } = await secondReplica(t);
  try {
    const source = await putPackage(t, 'replica-stats', 'threshold', examplePackage('py-threshold'));
    const modelId = await importModel(t.client, source, 'threshold', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'counted-everywhere',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    await running(t.client, service_id);

    const body = { data: { req_data: [{ petal_length: 1.4 }] } };
    for (let i = 0; i < 3; i++) await t.client.services.predict(service_id, { body });
    for (let i = 0; i < 2; i++) await viaOther.services.predict(service_id, { body });
    await assert.rejects(viaOther.services.predict(service_id, { body: { data: { req_data: [{ sepal: 1 }] } } }), apiFailure(500, 'ModelArts.6102'));

    // Each replica sees its own requests at once, the other's once they are flushed.
    const mine = (await t.client.services.monitor(service_id)).monitors[0]!;
    assert.ok(mine.invocation_times >= 3);
    // The request statistics; what the instances use is measured on the host running them, not shared here.
    const numbers = async (client: AtelierClient) => {
      const m = (await client.services.monitor(service_id)).monitors[0]!;
      return { model_id: m.model_id, invocation_times: m.invocation_times, failed_times: m.failed_times, latency_ms: m.latency_ms };
    };
    const same = await eventually('both replicas agree on every request', async () => {
      const [a, b] = [await numbers(t.client), await numbers(viaOther)];
      return a.invocation_times === 6 && JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
    });
    assert.equal(same.failed_times, 1);
    assert.equal(same.model_id, modelId);
    assert.ok(typeof same.latency_ms === 'number' && same.latency_ms > 0, `a median latency: ${same.latency_ms}`);
    const [shown, shownOther] = [await t.client.services.show(service_id), await viaOther.services.show(service_id)];
    assert.equal(shown.invocation_times, 6);
    assert.equal(shownOther.invocation_times, 6);
    assert.equal(shown.failed_times, 1);
    assert.equal(shownOther.failed_times, 1);

    // A burst through both at once: their flushes meet on the model's row, and none of the requests is lost.
    await Promise.all(Array.from({ length: 8 }, () => [t.client, viaOther].map((c) => c.services.predict(service_id, { body }))).flat());
    await eventually('both replicas count the burst', async () => {
      const [a, b] = [await numbers(t.client), await numbers(viaOther)];
      return a.invocation_times === 22 && JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
    });

    // Deleted, its numbers go with it: a service made again of the same model starts from none.
    await t.client.services.delete(service_id);
    const rows = await t.atelier.context.database.db.selectFrom('service_model_stats').selectAll().where('service_id', '=', service_id).execute();
    assert.deepEqual(rows, []);
  } finally {
    await other.close();
    await t.close();
  }
});
