// Hyperparameter search (policies.auto_search): grid and random search run real trials, read each
// reward from the trial's log with the regex, and keep the best trial's outputs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bestTrial, planSearch, readReward } from '#src/modules/training-jobs/auto-search.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';

// accuracy peaks at lr = 0.5
const SCRIPT = `
import os, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
lr = float(args["lr"])
acc = 1 - (lr - 0.5) ** 2
print("epoch 1 accuracy=%.4f" % (acc / 2))
print("epoch 2 accuracy=%.4f" % acc)
open(os.path.join(args["train_url"], "model.txt"), "w").write("lr=%s" % args["lr"])
`;

describe('hyperparameter search', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    code = putCode(t, 'search/code', 'train.py', SCRIPT);
  });
  after(() => t.close());

  const body = (name: string, autoSearch: Record<string, unknown>) => ({
    metadata: { name },
    algorithm: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      parameters: [
        { name: 'lr', value: '0.1', constraint: { type: 'Float' } },
        { name: 'epochs', value: '2', constraint: { type: 'Integer' } },
      ],
      policies: { auto_search: autoSearch },
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/search/out/${name}/` } } }],
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });
  const reward = [{ name: 'accuracy', mode: 'max', regex: 'accuracy=([0-9.]+)' }];

  test('grid search: every point tried, the best kept', async () => {
    const created = await t.client.training.createJob(
      body('grid', {
        reward_attrs: reward,
        search_params: [{ name: 'lr', param_type: 'discrete', discrete_values: ['0.1', '0.5', '0.9'] }],
        algo_configs: [{ name: 'grid_search' }],
      }),
    );
    assert.equal(created.algorithm.policies?.auto_search?.algo_configs?.[0]?.name, 'grid_search');
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.equal(done.status.task_statuses?.[0]?.message, 'best trial 2 of 3: lr=0.5 accuracy=1');
    const out = join(t.config.dataDir, 'obs', BUCKET, 'search', 'out', 'grid');
    assert.equal(readFileSync(join(out, 'model.txt'), 'utf8'), 'lr=0.5');
    const report = JSON.parse(readFileSync(join(out, 'autosearch', 'trials.json'), 'utf8')) as {
      trials: { parameters: { lr: string }; reward: number }[];
      best: { trial: number };
    };
    assert.deepEqual(
      report.trials.map((r) => [r.parameters.lr, r.reward]),
      [
        ['0.1', 0.84],
        ['0.5', 1],
        ['0.9', 0.84],
      ],
    );
    assert.equal(report.best.trial, 1);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.match(log, /grid_search trial 3\/3: lr=0\.9/);
    assert.match(log, /best trial 2: lr=0\.5 accuracy=1/);
  });

  test('random search: num_samples trials within the bounds', async () => {
    const created = await t.client.training.createJob(
      body('random', {
        reward_attrs: reward,
        search_params: [{ name: 'lr', param_type: 'continuous', lower_bound: '0.2', upper_bound: '0.8' }],
        algo_configs: [{ name: 'random_search', params: [{ key: 'num_samples', value: '3', type: 'Integer' }] }],
      }),
    );
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    const out = join(t.config.dataDir, 'obs', BUCKET, 'search', 'out', 'random');
    const report = JSON.parse(readFileSync(join(out, 'autosearch', 'trials.json'), 'utf8')) as {
      trials: { parameters: { lr: string }; reward: number }[];
      best: { parameters: { lr: string }; reward: number };
    };
    assert.equal(report.trials.length, 3);
    for (const r of report.trials) {
      const lr = Number(r.parameters.lr);
      assert.ok(lr >= 0.2 && lr <= 0.8, String(lr));
      assert.ok(Math.abs(r.reward - (1 - (lr - 0.5) ** 2)) < 1e-3);
    }
    assert.equal(report.best.reward, Math.max(...report.trials.map((r) => r.reward)));
    assert.equal(readFileSync(join(out, 'model.txt'), 'utf8'), `lr=${report.best.parameters.lr}`);
  });

  test('searches that cannot run are refused, nothing started', async () => {
    const before = (await t.client.training.listJobs()).total;
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          reward_attrs: reward,
          search_params: [{ name: 'lr', param_type: 'continuous', lower_bound: '0', upper_bound: '1' }],
          algo_configs: [{ name: 'bayes_opt_search' }],
        },
        'bayes_opt_search',
      ],
      [{ reward_attrs: reward, search_params: [{ name: 'momentum', param_type: 'continuous', lower_bound: '0', upper_bound: '1' }] }, 'momentum'],
      [
        { reward_attrs: reward, search_params: [{ name: 'lr', param_type: 'continuous', lower_bound: '0', upper_bound: '1', discrete_points_num: '500' }] },
        'at most',
      ],
      [
        { reward_attrs: [{ name: 'accuracy', mode: 'max', regex: '(' }], search_params: [{ name: 'lr', param_type: 'discrete', discrete_values: ['1'] }] },
        'regex',
      ],
      [{ search_params: [{ name: 'lr', param_type: 'discrete', discrete_values: ['1'] }] }, 'reward_attrs'],
    ];
    for (const [search, text] of cases) {
      await assert.rejects(t.client.training.createJob(body('refused', search)), apiFailure(400, 'ModelArts.0104', text));
    }
    assert.equal((await t.client.training.listJobs()).total, before);
  });

  test('unit: grid points, integer parameters, reward parsing, best trial', () => {
    const plan = planSearch(
      {
        reward_attrs: [{ name: 'loss', mode: 'min', regex: 'loss: ([0-9.]+)' }],
        search_params: [
          { name: 'lr', param_type: 'continuous', lower_bound: '0', upper_bound: '1', discrete_points_num: '3' },
          { name: 'layers', param_type: 'continuous', lower_bound: '1', upper_bound: '2', discrete_points_num: '4' },
        ],
      },
      new Map([
        ['lr', 'Float'],
        ['layers', 'Integer'],
      ]),
    );
    assert.equal(plan.algorithm, 'grid_search');
    assert.deepEqual(plan.trials, [
      { lr: '0', layers: '1' },
      { lr: '0', layers: '2' },
      { lr: '0.5', layers: '1' },
      { lr: '0.5', layers: '2' },
      { lr: '1', layers: '1' },
      { lr: '1', layers: '2' },
    ]);
    assert.equal(readReward('loss: 0.9\nloss: 0.4\nloss: x\n', 'loss: ([0-9.]+)'), 0.4);
    assert.equal(readReward('nothing here', 'loss: ([0-9.]+)'), null);
    const best = bestTrial(
      [
        { trial: 0, parameters: {}, reward: 0.4, exit_code: 0 },
        { trial: 1, parameters: {}, reward: 0.1, exit_code: 1 },
        { trial: 2, parameters: {}, reward: 0.2, exit_code: 0 },
      ],
      'min',
    );
    assert.equal(best?.trial, 2);
  });
});
