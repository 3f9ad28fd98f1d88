// A real-time service answers through any replica: the one that did not start its model server
// forwards to the port recorded in the database, and the replica running the services reconciler
// leaves a service another replica hosts alone instead of starting a second copy; a stop through
// one replica takes the instances another runs out of service. Runs on SQLite and
// PostgreSQL: two servers on one database and one data directory, only the first deploying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, putPackage } from '../models/fixtures.ts';
import { modelServerPids, running, small } from '../services/gateway-fixtures.ts';
import { secondReplica } from './second-replica.ts';

type Answer = { data: { resp_data: { predict_result: string }[] } };

test('a service deployed through one replica is predicted through another, which does not start a copy of it; a stop through either reaches it', async () => {
  const t = await startTestApp();
  // The other replica runs the background work (the model import, the reconcilers); the first only serves requests.
  const { app: other, client: viaOther } = await secondReplica(t);
  try {
    const source = await putPackage(t, 'replica-models', 'threshold', examplePackage('py-threshold'));
    const modelId = await importModel(t.client, source, 'threshold', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'any-replica',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    // The other replica's reconciler passes while the first one is still starting the model server: it sees the
    // deployment under way there and leaves it alone.
    await other.context.reconcilers.runOnce();
    await running(t.client, service_id);
    const servers = modelServerPids(t.config.dataDir);
    assert.ok(servers.length > 0, 'the first replica runs the model server');

    const body = { data: { req_data: [{ petal_length: 1.4 }, { petal_length: 4.7 }] } };
    const expected = { data: { resp_data: [{ predict_result: 'Iris-setosa' }, { predict_result: 'Iris-versicolor' }] } };
    assert.deepEqual(await viaOther.services.predict<Answer>(service_id, { body }), expected, 'the other replica forwards to the recorded port');
    assert.deepEqual(await t.client.services.predict<Answer>(service_id, { body }), expected);
    // The model's own error comes back through the other replica as it does through the first.
    await assert.rejects(
      viaOther.services.predict(service_id, { body: { data: { req_data: [{ sepal: 1 }] } } }),
      apiFailure(500, 'ModelArts.6102', 'KeyError'),
    );

    // The other replica holds the services reconciler lease and passes: the service is hosted, not redeployed.
    await other.context.reconcilers.runOnce();
    await other.context.reconcilers.runOnce();
    assert.ok(other.context.reconcilers.owns('services'));
    assert.deepEqual(modelServerPids(t.config.dataDir).sort(), [...servers].sort(), 'no second model server');
    const events = await t.client.services.events(service_id, { order: 'asc' });
    assert.ok(!events.events.some((e) => e.event_info.includes('redeploying')), 'no redeployment event');
    assert.equal((await t.client.services.show(service_id)).status, 'running');

    // Stopped through the other replica: the first one takes its model server out of service, and neither answers.
    await viaOther.services.update(service_id, { status: 'stopped' });
    await eventually('the model server stopped', async () => (modelServerPids(t.config.dataDir).length === 0 ? true : undefined));
    await assert.rejects(t.client.services.predict(service_id, { body }), apiFailure(400, 'ModelArts.6327', 'stopped'));
    await assert.rejects(viaOther.services.predict(service_id, { body }), apiFailure(400, 'ModelArts.6327', 'stopped'));
    await t.client.services.delete(service_id);
  } finally {
    await other.close();
    await t.close();
  }
});
