import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { DatasetResponse, ListDatasetsResponse } from '#src/modules/datasets/schemas.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, PNG, putFile } from './fixtures.ts';
import { objectPathOf } from '../samples/fixtures.ts';

// The fields of the spec's DescDataset example that this server fills in.
const EXAMPLE_FIELDS = [
  'dataset_id',
  'dataset_name',
  'dataset_type',
  'data_format',
  'next_version_num',
  'status',
  'data_sources',
  'create_time',
  'update_time',
  'description',
  'total_sample_count',
  'annotated_sample_count',
  'unconfirmed_sample_count',
  'work_path',
  'inner_work_path',
  'inner_annotation_path',
  'inner_data_path',
  'inner_log_path',
  'inner_temp_path',
  'inner_task_path',
  'work_path_type',
  'workspace_id',
  'enterprise_project_id',
  'managed',
  'import_data',
  'dataset_format',
  'dataset_version_count',
  'labels',
  'workforce_task_count',
  'feature_supports',
  'label_task_count',
  'content_labeling',
];

describe('datasets: create, details, list, modify, delete (#1-#5)', () => {
  let t: TestApp;
  let other: AtelierClient;
  let animals: string;

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    other = await t.newTenant('other');
    for (const n of [1, 2, 3]) putFile(t, `/test-obs/classify/input/animals/${n}.png`, PNG);
    putFile(t, '/test-obs/classify/input/animals/deeper/4.jpg', PNG);
    putFile(t, '/test-obs/classify/input/animals/readme.md', 'not an image');
    putFile(t, '/test-obs/empty/input/.keep', '');
  });
  after(() => t.close());

  const total = async (client = t.client) => (await client.datasets.list({ limit: 100 })).total_number;

  test('create (the spec example): 201 with the id, scans the input, then normal with its samples', async () => {
    const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets', {
      body: createBody('dataset-457f', '/test-obs/classify/input/animals/', '/test-obs/classify/output/', {
        labels: [
          { name: 'Rabbits', type: 0, property: { '@modelarts:color': '#3399ff' } },
          { name: 'Bees', type: 0, property: { '@modelarts:color': '#3399ff' } },
        ],
      }),
    });
    assert.equal(res.status, 201);
    const body = res.json as { dataset_id: string; import_task_id: string };
    assert.deepEqual(Object.keys(body).sort(), ['dataset_id', 'import_task_id']);
    assert.match(body.dataset_id, /^[A-Za-z0-9]{19}$/);
    assert.match(body.import_task_id, new RegExp(`^${body.dataset_id}_[A-Za-z0-9]{19}$`), 'the scan is an import with its own task record');
    animals = body.dataset_id;

    const d = await datasetReady(t.client, animals);
    assert.ok(Value.Check(DatasetResponse, d), JSON.stringify([...Value.Errors(DatasetResponse, d)][0]));
    for (const f of EXAMPLE_FIELDS) assert.ok(f in d, `details have ${f}`);
    assert.equal(d.import_task_id, body.import_task_id);
    assert.deepEqual([d.exist_workforce_task, d.workforce_task_count, d.label_task_count, d.feature_supports, d.content_labeling], [false, 0, 0, ['0'], true]);
    assert.equal(d.dataset_name, 'dataset-457f');
    assert.equal(d.dataset_type, 0);
    assert.equal(d.data_format, 'Default');
    assert.deepEqual(d.dataset_tags, ['Image', 'Image classification']);
    assert.equal(d.dataset_format, 0);
    assert.deepEqual(d.data_sources, [{ data_type: 0, data_path: '/test-obs/classify/input/animals/' }]);
    // Images only, subfolders included; the .md file is no sample. The subfolder's name labels its
    // image (import_annotations is on by default), after the labels of the request.
    assert.equal(d.total_sample_count, 4);
    assert.equal(d.annotated_sample_count, 1);
    assert.equal(d.work_path, '/test-obs/classify/output/');
    assert.equal(d.inner_work_path, `/test-obs/classify/output/dataset-457f-${animals}/`);
    assert.equal(d.inner_annotation_path, `${d.inner_work_path}annotation/`);
    assert.equal(d.inner_data_path, `${d.inner_work_path}data/`);
    assert.equal(d.inner_log_path, `${d.inner_work_path}logs/`);
    assert.equal(d.inner_temp_path, `${d.inner_work_path}temp/`);
    assert.equal(d.inner_task_path, `${d.inner_work_path}task/`);
    assert.equal(d.next_version_num, 1);
    assert.equal(d.dataset_version_count, 0);
    assert.equal(d.current_version_id, undefined);
    assert.equal(d.workspace_id, '0');
    assert.equal(d.managed, false);
    assert.equal(d.import_data, false);
    assert.deepEqual(
      d.labels?.map((l) => [l.name, l.type, l.property?.['@modelarts:color']]),
      [
        ['Rabbits', 0, '#3399ff'],
        ['Bees', 0, '#3399ff'],
        ['deeper', 0, undefined],
      ],
    );
    assert.ok(d.create_time <= d.update_time);
    // The dataset's own folder exists in the work path.
    assert.ok(await t.atelier.context.objectStore.exists('test-obs', `classify/output/dataset-457f-${animals}/`));
  });

  test('import_annotations: folder names become labels; off, the same files come unlabeled', async () => {
    for (const n of [1, 2]) putFile(t, `/test-obs/labeled/input/cat/${n}.png`, PNG);
    putFile(t, '/test-obs/labeled/input/dog/3.png', PNG);
    const on = await t.client.datasets.create(createBody('labeled-on', '/test-obs/labeled/input/', '/test-obs/labeled/out-on/'));
    const off = await t.client.datasets.create(
      createBody('labeled-off', '/test-obs/labeled/input/', '/test-obs/labeled/out-off/', { import_annotations: false }),
    );
    const dOn = await datasetReady(t.client, on.dataset_id);
    assert.equal(dOn.total_sample_count, 3);
    assert.equal(dOn.annotated_sample_count, 3);
    assert.deepEqual(dOn.labels?.map((l) => l.name).sort(), ['cat', 'dog']);
    const dOff = await datasetReady(t.client, off.dataset_id);
    assert.equal(dOff.total_sample_count, 3);
    assert.equal(dOff.annotated_sample_count, 0);
    assert.deepEqual(dOff.labels, []);
  });

  test('an empty input folder gives a normal dataset with no samples; a table dataset scans only with import_data', async () => {
    const empty = await t.client.datasets.create(createBody('empty-one', '/test-obs/empty/input/', '/test-obs/empty/output/', { dataset_type: 900 }));
    assert.equal((await datasetReady(t.client, empty.dataset_id)).total_sample_count, 1, 'a free-format dataset takes every file');
    putFile(t, '/test-obs/table/input/iris.csv', 'a,b\n1,2\n');
    const table = await t.client.datasets.create(createBody('table-no-import', '/test-obs/table/input/', '/test-obs/table/output/', { dataset_type: 400 }));
    const d = await t.client.datasets.describe(table.dataset_id);
    assert.equal(d.status, 1, 'nothing to scan');
    assert.equal(d.total_sample_count, 0);
    assert.equal(d.dataset_format, 1);
    const imported = await t.client.datasets.create(
      createBody('table-import', '/test-obs/table/input/', '/test-obs/table/output2/', {
        dataset_type: 400,
        import_data: true,
        schema: [
          { schema_id: 1, name: 'a', type: 'STRING' },
          { schema_id: 2, name: 'b', type: 'STRING' },
        ],
      }),
    );
    const di = await datasetReady(t.client, imported.dataset_id);
    assert.equal(di.total_sample_count, 1);
    assert.equal(di.import_data, true);
    assert.deepEqual(
      di.schema?.map((f) => f.name),
      ['a', 'b'],
    );
  });

  test('documented errors: name taken (4351), bucket as path (4205), work path in input (4374), input missing (4312), work path too long (4350)', async () => {
    const before = await total();
    const input = '/test-obs/classify/input/animals/';
    const cases: Array<[ReturnType<typeof createBody>, number, string, string?]> = [
      [createBody('dataset-457f', input, '/test-obs/other-out/'), 400, 'ModelArts.4351'],
      [createBody('bucket-work', input, '/test-obs/'), 400, 'ModelArts.4205', 'work_path'],
      [createBody('bucket-input', '/test-obs/', '/test-obs/out-x/'), 400, 'ModelArts.4205', 'data_path'],
      [createBody('work-in-input', input, '/test-obs/classify/input/animals/out/'), 400, 'ModelArts.4374', 'work_path'],
      [createBody('work-is-input', input, '/test-obs/classify/input/animals'), 400, 'ModelArts.4374'],
      [createBody('no-input', '/test-obs/nothing/here/', '/test-obs/out-y/'), 400, 'ModelArts.4312', 'data_path'],
      [createBody('long-work', input, `/test-obs/${'w'.repeat(700)}/`), 400, 'ModelArts.4350'],
    ];
    for (const [body, status, code, msg] of cases) {
      await assert.rejects(t.client.datasets.create(body), apiFailure(status, code, msg), body.dataset_name);
    }
    assert.equal(await total(), before, 'nothing stored');
  });

  test('bad input: type, names, paths with traversal, descriptions, sources, labels; nothing stored', async () => {
    const before = await total();
    const input = '/test-obs/classify/input/animals/';
    const base = createBody('bad-input', input, '/test-obs/bad-out/');
    const cases: Array<[unknown, string, string]> = [
      [{ ...base, dataset_type: 7 }, 'ModelArts.0104', 'body.dataset_type'],
      [{ ...base, dataset_name: 'has space' }, 'ModelArts.0104', 'body.dataset_name'],
      [{ ...base, dataset_name: '' }, 'ModelArts.0104', 'body.dataset_name'],
      [{ ...base, description: 'a <b>' }, 'ModelArts.0104', 'body.description'],
      [{ ...base, work_path: '/test-obs/../etc/' }, 'ModelArts.0104', 'work_path'],
      [{ ...base, work_path: '/test-obs/a/./b/' }, 'ModelArts.0104', 'work_path'],
      [{ ...base, work_path: 'test-obs/out/' }, 'ModelArts.0104', 'work_path'],
      [{ ...base, work_path: '/x' }, 'ModelArts.0104', 'work_path'],
      [{ ...base, data_sources: [{ data_path: '/test-obs/classify/../classify/input/' }] }, 'ModelArts.0104', 'data_path'],
      [{ ...base, data_sources: [{ data_path: '/test-obs/a\u0000b/' }] }, 'ModelArts.0104', 'data_path'],
      [{ ...base, data_sources: [] }, 'ModelArts.0104', 'body.data_sources'],
      [{ ...base, data_sources: [{ data_path: input }, { data_path: input }] }, 'ModelArts.0104', 'body.data_sources'],
      [{ ...base, data_sources: [{ data_type: 1, data_path: input }] }, 'ModelArts.0104', 'data_type'],
      [{ ...base, data_sources: [{ data_type: 0 }] }, 'ModelArts.0104', 'data_path'],
      [{ ...base, work_path_type: 1 }, 'ModelArts.0104', 'body.work_path_type'],
      [{ ...base, data_format: 'CarbonData' }, 'ModelArts.0104', 'data_format'],
      [{ ...base, workforce_information: { task_name: 'x' } }, 'ModelArts.0104', 'workforce_information'],
      [
        {
          ...base,
          labels: [
            { name: 'a', type: 0 },
            { name: 'a', type: 0 },
          ],
        },
        'ModelArts.4411',
        'body.labels',
      ],
      [{ ...base, labels: [{ name: 'box', type: 1 }] }, 'ModelArts.4413', 'body.labels[0].type'],
      [{ ...base, labels: [{ name: 'bad name!' }] }, 'ModelArts.0104', 'body.labels[0].name'],
      [{ ...base, labels: [{ type: 0 }] }, 'ModelArts.0104', 'body.labels[0].name'],
      [{ ...base, dataset_type: 900, labels: [{ name: 'x' }] }, 'ModelArts.4413', 'body.labels[0]'],
      [
        { ...base, dataset_type: 102, labels: [{ name: 'Author', type: 102, property: { '@modelarts:from_type': 'Person', '@modelarts:to_type': 'Book' } }] },
        'ModelArts.4414',
        'from_type',
      ],
      [{ ...base, dataset_type: 100, label_format: { label_type: '1', text_label_separator: ',,' } }, 'ModelArts.0104', 'text_label_separator'],
      [{ ...base, dataset_name: undefined }, 'ModelArts.0104', 'body.dataset_name is required'],
      [{ ...base, work_path: undefined }, 'ModelArts.0104', 'body.work_path is required'],
    ];
    for (const [body, code, msg] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(err.error_code, code, `${err.error_msg} (${JSON.stringify(body).slice(0, 200)})`);
      assert.ok(err.error_msg.includes(msg), `"${err.error_msg}" names ${msg}`);
    }
    assert.equal(await total(), before, 'nothing stored');
    // A triplet dataset with its entity labels is fine.
    const triplet = await t.client.datasets.create(
      createBody('triplet-ok', '/test-obs/empty/input/', '/test-obs/triplet-out/', {
        dataset_type: 102,
        labels: [
          { name: 'Person', type: 103 },
          { name: 'Book', type: 103 },
          { name: 'Author', type: 102, property: { '@modelarts:from_type': 'Person', '@modelarts:to_type': 'Book' } },
        ],
      }),
    );
    const d = await datasetReady(t.client, triplet.dataset_id);
    assert.deepEqual(
      d.labels?.map((l) => [l.name, l.type]),
      [
        ['Person', 103],
        ['Book', 103],
        ['Author', 102],
      ],
    );
  });

  test('list: the spec envelope, filters, sort and paging (offset counts pages)', async () => {
    const all = await t.client.datasets.list({ limit: 100 });
    assert.ok(Value.Check(ListDatasetsResponse, all));
    assert.equal(all.total_number, all.datasets.length);
    assert.ok(all.datasets.length >= 6);
    // Newest first by default.
    const times = all.datasets.map((d) => d.create_time);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.ok(
      all.datasets.every((d) => d.labels === undefined),
      'labels only with with_labels',
    );

    const images = await t.client.datasets.list({ dataset_type: 0, limit: 100 });
    assert.ok(images.datasets.length >= 3 && images.datasets.every((d) => d.dataset_type === 0));
    assert.equal(images.total_number, images.datasets.length);

    const search = await t.client.datasets.list({ search_content: 'LABELED' });
    assert.deepEqual(search.datasets.map((d) => d.dataset_name).sort(), ['labeled-off', 'labeled-on']);

    const byName = await t.client.datasets.list({ sort_by: 'dataset_name', order: 'asc', limit: 100 });
    const names = byName.datasets.map((d) => d.dataset_name);
    assert.deepEqual(names, [...names].sort());

    const page1 = await t.client.datasets.list({ sort_by: 'dataset_name', order: 'asc', limit: 2, offset: 1 });
    assert.equal(page1.total_number, all.total_number);
    assert.deepEqual(
      page1.datasets.map((d) => d.dataset_name),
      names.slice(2, 4),
    );
    const beyond = await t.client.datasets.list({ limit: 10, offset: 50 });
    assert.deepEqual(beyond.datasets, []);
    assert.equal(beyond.total_number, all.total_number);

    const withLabels = await t.client.datasets.list({ with_labels: true, search_content: '457f' });
    assert.deepEqual(
      withLabels.datasets[0]?.labels?.map((l) => l.name),
      ['Rabbits', 'Bees', 'deeper'],
    );

    const preview = await t.client.datasets.list({ file_preview: true, search_content: '457f' });
    const files = preview.datasets[0]?.samples ?? [];
    assert.equal(files.length, 4, 'four preview samples');
    for (const f of files) {
      assert.equal(f.dataset_id, animals);
      assert.match(objectPathOf(f.url), /^\/test-obs\/classify\/input\/animals\/.+\.(png|jpg)$/);
      assert.equal((await fetch(f.url)).status, 200, 'the preview url serves the file');
      assert.equal(f.size, PNG.length);
      assert.ok(f.file_id && f.file_Name && f.create_time > 0);
    }
    assert.ok(
      all.datasets.every((d) => d.samples === undefined),
      'samples only with file_preview',
    );

    const exportable = await t.client.datasets.list({ support_export: true, limit: 100 });
    assert.ok(exportable.datasets.every((d) => [0, 1, 900].includes(d.dataset_type)));
    assert.ok(exportable.datasets.some((d) => d.dataset_type === 900));
    assert.equal((await t.client.datasets.list({ contain_versions: true })).total_number, 0, 'no dataset has a version yet');
    assert.equal((await t.client.datasets.list({ workspace_id: 'ws-none' })).total_number, 0);
    const checked = await t.client.datasets.list({ check_running_task: true, limit: 1 });
    assert.deepEqual(checked.datasets[0]?.running_tasks_id, []);
    assert.equal(checked.datasets[0]?.exist_running_task, false);

    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { offset: -1 },
      { sort_by: 'status' },
      { order: 'up' },
      { dataset_type: 2 },
      { train_evaluate_ratio: '0.1' },
      { train_evaluate_ratio: '0.9,0.1' },
      { version_format: 3 },
      { dataset_version: 'v3' },
    ]) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/datasets', { query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    }
  });

  test('modify: description, name, labels, current version; errors leave the dataset as it was', async () => {
    assert.deepEqual(
      await t.client.datasets.update(animals, {
        description: 'just a test',
        add_labels: [{ name: 'Ants', type: 0, property: { '@modelarts:color': '#3399ff' } }],
      }),
      { dataset_id: animals },
    );
    let d = await t.client.datasets.describe(animals);
    assert.equal(d.description, 'just a test');
    assert.deepEqual(
      d.labels?.map((l) => l.name),
      ['Rabbits', 'Bees', 'deeper', 'Ants'],
    );
    assert.ok(d.update_time >= d.create_time);

    await t.client.datasets.update(animals, {
      update_labels: [{ name: 'Bees', property: { '@modelarts:color': '#000000' } }],
      delete_labels: [{ name: 'Rabbits' }],
    });
    d = await t.client.datasets.describe(animals);
    assert.deepEqual(
      d.labels?.map((l) => [l.name, l.property?.['@modelarts:color']]),
      [
        ['Bees', '#000000'],
        ['deeper', undefined],
        ['Ants', '#3399ff'],
      ],
    );
    // delete_labels takes the label off its samples; the samples stay.
    await t.client.datasets.update(animals, { delete_labels: [{ name: 'deeper' }] });
    d = await t.client.datasets.describe(animals);
    assert.equal(d.total_sample_count, 4);
    assert.equal(d.annotated_sample_count, 0);
    await t.client.datasets.update(animals, { add_labels: [{ name: 'Rabbits' }] });

    await t.client.datasets.update(animals, { dataset_name: 'animals-renamed' });
    d = await t.client.datasets.describe(animals);
    assert.equal(d.dataset_name, 'animals-renamed');
    assert.equal(d.inner_work_path, `/test-obs/classify/output/dataset-457f-${animals}/`, 'the folder stays where it was made');

    await assert.rejects(t.client.datasets.update(animals, { dataset_name: 'labeled-on' }), apiFailure(400, 'ModelArts.4351'));
    await assert.rejects(t.client.datasets.update(animals, { add_labels: [{ name: 'Ants' }] }), apiFailure(400, 'ModelArts.4411'));
    await assert.rejects(t.client.datasets.update(animals, { update_labels: [{ name: 'Ants', type: 1 }] }), apiFailure(400, 'ModelArts.4413'));
    await assert.rejects(t.client.datasets.update(animals, { add_labels: [{ name: 'Box', type: 1 }] }), apiFailure(400, 'ModelArts.4413'));
    await assert.rejects(t.client.datasets.update(animals, { current_version_id: 'noSuchVersion' }), apiFailure(400, 'ModelArts.4353'));
    await assert.rejects(t.client.datasets.update(animals, { update_labels: [{ name: 'Nope' }] }), apiFailure(400, 'ModelArts.4410'));
    await assert.rejects(t.client.datasets.update(animals, { delete_labels: [{ name: 'Nope' }] }), apiFailure(400, 'ModelArts.4410'));
    await assert.rejects(t.client.datasets.update(animals, { description: 'x=1' }), apiFailure(400, 'ModelArts.0104', 'body.description'));
    await assert.rejects(t.client.datasets.update(animals, { dataset_name: 'a/b' }), apiFailure(400, 'ModelArts.0104', 'body.dataset_name'));
    d = await t.client.datasets.describe(animals);
    assert.equal(d.dataset_name, 'animals-renamed');
    assert.equal(d.description, 'just a test');
    assert.deepEqual(
      d.labels?.map((l) => l.name),
      ['Bees', 'Ants', 'Rabbits'],
    );
  });

  test('another project sees nothing: list, details, modify, delete answer as if absent', async () => {
    assert.equal(await total(other), 0);
    await assert.rejects(other.datasets.describe(animals), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.datasets.update(animals, { description: 'mine' }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.datasets.delete(animals), apiFailure(404, 'ModelArts.6623'));
    assert.equal((await t.client.datasets.describe(animals)).description, 'just a test');
    // The same name is free in another project (in a bucket of that account: see test/buckets).
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('other')).id, 'other-obs');
    putFile(t, '/other-obs/in/1.png', PNG);
    const mine = await other.datasets.create(createBody('animals-renamed', '/other-obs/in/', '/other-obs/out/'));
    await datasetReady(other, mine.dataset_id);
    await assert.rejects(t.client.datasets.describe(mine.dataset_id), apiFailure(404, 'ModelArts.6623'));
  });

  test('delete: 204, then gone with its samples and labels; the files stay; a second delete is 404', async () => {
    putFile(t, '/test-obs/del/in/a.png', PNG);
    const { dataset_id } = await t.client.datasets.create(createBody('to-delete', '/test-obs/del/in/', '/test-obs/del/out/', { labels: [{ name: 'x' }] }));
    await datasetReady(t.client, dataset_id);
    const res = await t.client.http.raw('DELETE', '/v2/{project_id}/datasets/{dataset_id}', { params: { dataset_id } });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    await assert.rejects(t.client.datasets.describe(dataset_id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.datasets.delete(dataset_id), apiFailure(404, 'ModelArts.6623'));
    assert.ok(!(await t.client.datasets.list({ limit: 100 })).datasets.some((d) => d.dataset_id === dataset_id));
    const { db } = t.atelier.context.database;
    for (const table of ['samples', 'dataset_labels'] as const) {
      const left = await db.selectFrom(table).select('dataset_id').where('dataset_id', '=', dataset_id).execute();
      assert.equal(left.length, 0, `${table} rows gone`);
    }
    assert.ok(await t.atelier.context.objectStore.exists('test-obs', 'del/in/a.png'), 'the input file stays');
    // The name is free again.
    const again = await t.client.datasets.create(createBody('to-delete', '/test-obs/del/in/', '/test-obs/del/out/'));
    await datasetReady(t.client, again.dataset_id);
  });

  test('delete with delete_work_path removes the dataset folder under the work path, and only it', async () => {
    putFile(t, '/test-obs/delw/in/a.png', PNG);
    putFile(t, '/test-obs/delw/out/keep.txt', "not the dataset's");
    const { dataset_id } = await t.client.datasets.create(createBody('to-delete-files', '/test-obs/delw/in/', '/test-obs/delw/out/'));
    await datasetReady(t.client, dataset_id);
    const inner = (await t.client.datasets.describe(dataset_id)).inner_work_path!;
    const folder = inner.replace(/^\/test-obs\//, '');
    assert.ok(await t.atelier.context.objectStore.exists('test-obs', folder), 'the dataset folder exists');
    await t.client.datasets.delete(dataset_id, { delete_work_path: true });
    assert.equal(await t.atelier.context.objectStore.exists('test-obs', folder), false, 'the dataset folder is gone');
    assert.ok(await t.atelier.context.objectStore.exists('test-obs', 'delw/out/keep.txt'), 'other files of the work path stay');
    assert.ok(await t.atelier.context.objectStore.exists('test-obs', 'delw/in/a.png'), 'the input stays');
  });

  test('unknown ids are 404 ModelArts.6623', async () => {
    await assert.rejects(t.client.datasets.describe('noSuchDataset'), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.datasets.update('noSuchDataset', { description: '' }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.datasets.delete('noSuchDataset'), apiFailure(404, 'ModelArts.6623'));
  });
});
