// Objects an algorithm or a training job keeps as sent and answers back (parameters and their
// constraint and i18n_description, channels, the auto_search template and what it holds) take only
// their declared fields: an undeclared key is a 400 naming it, and nothing is stored. Objects read
// field by field drop what they do not declare, so an algorithm fetched and sent back goes through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, putCode, putObject } from '../training-jobs/helpers.ts';

type Json = Record<string, unknown>;

const searchParam = { name: 'lr', param_type: 'continuous', lower_bound: '0.1', upper_bound: '0.5' };
const autoSearch = (patch: Json = {}, param: Json = {}): Json => ({
  skip_search_params: '',
  reward_attrs: [{ name: 'accuracy', mode: 'max', regex: 'accuracy=([0-9.]+)' }],
  search_params: [{ ...searchParam, ...param }],
  algo_configs: [{ name: 'bayes', params: [{ key: 'trials', value: '2', type: 'Integer' }] }],
  ...patch,
});

describe('undeclared keys in the objects algorithms and training jobs keep', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    code = putCode(t, 'objects/code', 'train.py', 'print("accuracy=0.9")\n');
    putObject(t, 'objects/data/a.csv', 'x\n1\n');
  });
  after(() => t.close());

  const parameter = (patch: Json = {}): Json => ({
    name: 'lr',
    value: '0.1',
    description: 'learning rate',
    constraint: { type: 'Float', editable: true, required: false, sensitive: false, valid_type: 'None', valid_range: [] },
    i18n_description: { language: 'en', description: 'learning rate' },
    ...patch,
  });
  const algorithm = (name: string, jobConfig: Json = {}, rest: Json = {}): Json => ({
    metadata: { name },
    job_config: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      parameters: [parameter()],
      inputs: [{ name: 'data_url', description: 'data', remote_constraints: [{ data_type: 'obs', attributes: [{ data_format: 'csv' }] }] }],
      outputs: [{ name: 'train_url', description: 'model' }],
      ...jobConfig,
    },
    advanced_config: { auto_search: autoSearch() },
    ...rest,
  });
  const createAlgorithm = (body: Json) => t.client.http.call<{ metadata: { id: string } }>('POST', '/v2/{project_id}/algorithms', { body });
  const changeAlgorithm = (id: string, body: Json) =>
    t.client.http.call<Json>('PUT', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: id }, body });

  // [what, job_config patch, rest patch, the field the 400 names]
  const cases: [string, Json, Json, string][] = [
    ['auto_search', {}, { advanced_config: { auto_search: autoSearch({ surprise: 1 }) } }, 'body.advanced_config.auto_search.surprise'],
    ['search_params', {}, { advanced_config: { auto_search: autoSearch({}, { extra: 'x' }) } }, 'body.advanced_config.auto_search.search_params.0.extra'],
    ['reward_attrs', {}, { advanced_config: { auto_search: autoSearch({ reward_attrs: [{ name: 'a', mode: 'max', weight: 1 }] }) } }, 'reward_attrs.0.weight'],
    ['algo_configs', {}, { advanced_config: { auto_search: autoSearch({ algo_configs: [{ name: 'bayes', kind: 'x' }] }) } }, 'algo_configs.0.kind'],
    [
      'algo_configs.params',
      {},
      { advanced_config: { auto_search: autoSearch({ algo_configs: [{ name: 'bayes', params: [{ key: 'k', note: 'x' }] }] }) } },
      'params.0.note',
    ],
    ['parameters', { parameters: [parameter({ extra: 'x' })] }, {}, 'body.job_config.parameters.0.extra'],
    ['constraint', { parameters: [parameter({ constraint: { type: 'Float', min: 0 } })] }, {}, 'body.job_config.parameters.0.constraint.min'],
    ['i18n_description', { parameters: [parameter({ i18n_description: { language: 'en', tone: 'x' } })] }, {}, 'i18n_description.tone'],
    ['inputs', { inputs: [{ name: 'data_url', secret: 'x' }] }, {}, 'body.job_config.inputs.0.secret'],
    ['remote_constraints', { inputs: [{ name: 'data_url', remote_constraints: [{ data_type: 'obs', size: 1 }] }] }, {}, 'remote_constraints.0.size'],
    ['outputs', { outputs: [{ name: 'train_url', mode: 'upload' }] }, {}, 'body.job_config.outputs.0.mode'],
  ];

  test('CreateAlgorithm and ChangeAlgorithm refuse them and store nothing', async () => {
    const stored = await createAlgorithm(algorithm('kept'));
    const id = stored.metadata.id;
    const before = await t.client.training.getAlgorithm(id);
    const total = (await t.client.training.listAlgorithms()).total;
    for (const [what, jobConfig, rest, field] of cases) {
      await assert.rejects(
        createAlgorithm(algorithm(`bad-${what.replace('.', '-')}`, jobConfig, rest)),
        apiFailure(400, 'ModelArts.0104', field),
        `create: ${what}`,
      );
      await assert.rejects(changeAlgorithm(id, algorithm('kept', jobConfig, rest)), apiFailure(400, 'ModelArts.0104', field), `change: ${what}`);
    }
    assert.equal((await t.client.training.listAlgorithms()).total, total);
    assert.deepEqual(await t.client.training.getAlgorithm(id), before);
  });

  test('an algorithm fetched and sent back as it is goes through: what is read field by field drops the rest', async () => {
    const { metadata } = await createAlgorithm(algorithm('round-trip'));
    const fetched = await t.client.training.getAlgorithm(metadata.id);
    // metadata, job_config and resource_requirements answer more than a request declares (is_valid, code_tree, ...).
    const changed = await changeAlgorithm(metadata.id, { ...fetched, metadata: { ...fetched.metadata, description: 'sent back' } });
    assert.equal((changed.metadata as Json).description, 'sent back');
    const again = await t.client.training.getAlgorithm(metadata.id);
    assert.deepEqual(again.job_config, fetched.job_config);
    assert.deepEqual(again.advanced_config, fetched.advanced_config);
  });

  test('CreateTrainingJob refuses them in parameters, channels and policies.auto_search, and stores nothing', async () => {
    const job = (name: string, patch: Json): Json => ({
      kind: 'job',
      metadata: { name },
      algorithm: {
        ...code,
        engine: { engine_id: PY_ENGINE },
        parameters: [{ name: 'epochs', value: '1' }],
        inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/objects/data/` } } }],
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/objects/out/${name}/` } } }],
        ...patch,
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const jobCases: [string, Json, string][] = [
      ['parameters', { parameters: [{ name: 'epochs', value: '1', unit: 'x' }] }, 'body.algorithm.parameters.0.unit'],
      ['constraint', { parameters: [{ name: 'epochs', value: '1', constraint: { type: 'Integer', max: 3 } }] }, 'constraint.max'],
      ['inputs', { inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/objects/data/` } }, cache: true }] }, 'body.algorithm.inputs.0.cache'],
      [
        'remote_constraint',
        { inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/objects/data/` } }, remote_constraint: [{ data_type: 'obs', x: 1 }] }] },
        'remote_constraint.0.x',
      ],
      [
        'outputs',
        { outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/objects/out/x/` } }, mode: 'upload' }] },
        'body.algorithm.outputs.0.mode',
      ],
      [
        'auto_search',
        { policies: { auto_search: { ...autoSearch(), search_params: [searchParam], surprise: 1 } } },
        'body.algorithm.policies.auto_search.surprise',
      ],
      ['search_params', { policies: { auto_search: { ...autoSearch(), search_params: [{ ...searchParam, extra: 'x' }] } } }, 'search_params.0.extra'],
    ];
    for (const [what, patch, field] of jobCases) {
      await assert.rejects(
        t.client.http.call('POST', '/v2/{project_id}/training-jobs', { body: job(`bad-${what.replace('_', '-')}`, patch) }),
        apiFailure(400, 'ModelArts.0104', field),
        what,
      );
    }
    assert.equal((await t.client.training.listJobs()).total, 0);
  });
});
