// The example of examples/logistic-regression run as a training job through the API: it learns, its
// model and metrics land in the object store, and the log shows the loss going down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putObject, waitForJob } from './helpers.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'logistic-regression');

describe('example: logistic regression as a training job', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('the job learns and writes its model to the output path', async () => {
    putObject(t, 'lr/code/train.py', readFileSync(join(EXAMPLE, 'train.py')));
    putObject(t, 'lr/data/data.csv', execFileSync('python3', [join(EXAMPLE, 'make_data.py'), '400']));
    const created = await t.client.training.createJob({
      metadata: { name: 'logistic-regression', description: 'examples/logistic-regression' },
      algorithm: {
        code_dir: `/${BUCKET}/lr/code/`,
        boot_file: `/${BUCKET}/lr/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        parameters: [
          { name: 'learning_rate', value: '0.5' },
          { name: 'epochs', value: '150' },
        ],
        inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/lr/data/` } } }],
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/lr/output/` } } }],
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));

    const out = join(t.config.dataDir, 'obs', BUCKET, 'lr', 'output');
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { initial_loss: number; loss: number; accuracy: number; samples: number };
    assert.equal(metrics.samples, 400);
    assert.ok(metrics.loss < metrics.initial_loss / 3, `loss ${metrics.initial_loss} -> ${metrics.loss}`);
    assert.ok(metrics.accuracy > 0.9, `accuracy ${metrics.accuracy}`);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { features: string[]; weights: number[] };
    assert.deepEqual(model.features, ['x1', 'x2']);
    // The data's rule is 2*x1 - x2 > 0: the learned weights have those signs.
    assert.ok(model.weights[0]! > 0 && model.weights[1]! < 0, JSON.stringify(model.weights));

    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    const losses = [...log.matchAll(/epoch \d+: loss=([\d.]+)/g)].map((m) => Number(m[1]));
    assert.ok(losses.length >= 3, log);
    assert.ok(losses.at(-1)! < losses[0]!, `the loss goes down: ${losses.join(' ')}`);
    assert.match(log, /final: loss=/);
  });
});
