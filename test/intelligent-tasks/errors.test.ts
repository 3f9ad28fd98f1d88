// What intelligent tasks refuse: too few labeled samples, nothing left to label, dataset types they
// do not serve, and malformed configs; nothing is stored for a refused request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, apiFailure, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, PNG, putFile } from '../datasets/fixtures.ts';

describe('intelligent tasks: bad input', () => {
  let t: TestApp;
  let few: string;
  let none: string;
  let allLabeled: string;
  let detection: string;

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    for (let i = 0; i < 4; i++) putFile(t, `/bad-in/few/cat/${i}.png`, PNG);
    for (let i = 0; i < 6; i++) putFile(t, `/bad-in/few/dog/${i}.png`, PNG);
    putFile(t, '/bad-in/few/u.png', PNG);
    putFile(t, '/bad-in/none/u.png', PNG);
    for (const l of ['cat', 'dog']) for (let i = 0; i < 5; i++) putFile(t, `/bad-in/all/${l}/${i}.png`, PNG);
    putFile(t, '/bad-in/det/a.jpg', PNG);
    few = (await t.client.datasets.create(createBody('few', '/bad-in/few/', '/bad-in/w1/'))).dataset_id;
    none = (await t.client.datasets.create(createBody('none', '/bad-in/none/', '/bad-in/w2/'))).dataset_id;
    allLabeled = (await t.client.datasets.create(createBody('all', '/bad-in/all/', '/bad-in/w3/'))).dataset_id;
    detection = (await t.client.datasets.create(createBody('det', '/bad-in/det/', '/bad-in/w4/', { dataset_type: 1 }))).dataset_id;
    for (const id of [few, none, allLabeled, detection]) await datasetReady(t.client, id);
  });
  after(() => t.close());

  test('the documented errors of auto labeling', async () => {
    await assert.rejects(t.client.intelligentTasks.create(few, {}), apiFailure(400, 'ModelArts.4406', 'cat (4)'));
    await assert.rejects(t.client.intelligentTasks.create(none, { task_type: 'auto-label' }), apiFailure(400, 'ModelArts.4405'));
    await assert.rejects(t.client.intelligentTasks.create(allLabeled, {}), apiFailure(400, 'ModelArts.4407'));
    await assert.rejects(t.client.intelligentTasks.create(detection, {}), apiFailure(400, 'ModelArts.4820', '1'));
    await assert.rejects(t.client.intelligentTasks.create(few, { task_type: 'pre-label', model_id: 'm1' }), apiFailure(404, 'ModelArts.3001', 'm1'));
    for (const id of [few, none, allLabeled, detection]) assert.equal((await t.client.intelligentTasks.list(id, { type: 'auto-label' })).total_count, 0);
  });

  test('auto grouping: n_clusters required and bounded; more groups than samples refused', async () => {
    await assert.rejects(t.client.intelligentTasks.create(none, { task_type: 'auto-grouping' }), apiFailure(400, 'ModelArts.4396', 'n_clusters'));
    await assert.rejects(t.client.intelligentTasks.create(none, { task_type: 'auto-grouping', config: { n_clusters: 2 } }), apiFailure(400, 'ModelArts.4407'));
    const raw = await t.client.http.raw('POST', `/v2/{project_id}/datasets/${none}/tasks`, { body: { task_type: 'auto-grouping', config: { n_clusters: 1 } } });
    assert.equal(raw.status, 400);
    assert.match(JSON.stringify(raw.json), /n_clusters/);
  });

  test('malformed requests name the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ task_type: 'label-everything' }, /task_type/],
      [{ config: { algorithm_type: 'slow' } }, /algorithm_type/],
      [{ config: { confidence_scope: '0.9' } }, /confidence_scope/],
      [{ config: { property: '@modelarts:hard' } }, /property/],
      [{ config: { n_clusters: 'three' } }, /n_clusters/],
    ];
    for (const [body, field] of cases) {
      const raw = await t.client.http.raw('POST', `/v2/{project_id}/datasets/${few}/tasks`, { body });
      assert.equal(raw.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(raw.json), field);
    }
    await assert.rejects(t.client.intelligentTasks.create(allLabeled, { config: { confidence_scope: '0.9-0.1' } }), apiFailure(400, 'ModelArts.4396'));
  });
});
