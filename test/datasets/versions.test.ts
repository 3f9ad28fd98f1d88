import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import type { AtelierClient } from '#src/client/index.ts';
import { readManifest, type ManifestSample } from '#src/formats/index.ts';
import { DatasetVersion, ListDatasetVersionsResponse } from '#src/modules/datasets/version-schemas.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, PNG, putFile, versionDone } from './fixtures.ts';

// The fields of the spec's DescribeDatasetVersion example that this server fills in.
const EXAMPLE_FIELDS = [
  'version_id',
  'version_name',
  'version_format',
  'status',
  'create_time',
  'total_sample_count',
  'annotated_sample_count',
  'total_sub_sample_count',
  'annotated_sub_sample_count',
  'manifest_path',
  'is_current',
  'train_evaluate_sample_ratio',
  'remove_sample_usage',
  'export_images',
  'description',
  'label_stats',
  'label_type',
  'task_type',
  'extract_serial_number',
  'data_path',
  'analysis_status',
];

describe('dataset versions: publish, list, details, delete (#8-#11)', () => {
  let t: TestApp;
  let other: AtelierClient;
  let ds: string;
  let inner: string;
  let v1: string;
  let v2: string;

  const manifestOf = async (path: string): Promise<ManifestSample[]> => {
    const out: ManifestSample[] = [];
    for await (const m of readManifest(t.atelier.context.objectStore, parseObsPath(path, 'manifest'))) out.push(m);
    return out;
  };
  const versionCount = async () => (await t.client.datasets.listVersions(ds)).total_number;

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    other = await t.newTenant('other');
    for (const n of [1, 2, 3, 4, 5, 6]) putFile(t, `/ver-obs/in/cat/${n}.png`, PNG);
    for (const n of [1, 2, 3, 4]) putFile(t, `/ver-obs/in/dog/${n}.png`, PNG);
    putFile(t, '/ver-obs/in/unlabeled.png', PNG);
    ds = (await t.client.datasets.create(createBody('pets', '/ver-obs/in/', '/ver-obs/out/'))).dataset_id;
    const d = await datasetReady(t.client, ds);
    assert.equal(d.total_sample_count, 11);
    assert.equal(d.annotated_sample_count, 10);
    inner = d.inner_work_path;
  });
  after(() => t.close());

  test('publish the first version: 201, V001, a manifest that reads back as the samples and labels', async () => {
    const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/versions', {
      params: { dataset_id: ds },
      body: { version_format: 'Default', description: '', clear_hard_property: true },
    });
    assert.equal(res.status, 201);
    v1 = (res.json as { version_id: string }).version_id;
    assert.deepEqual(Object.keys(res.json as object), ['version_id']);

    const v = await versionDone(t.client, ds, v1);
    assert.ok(Value.Check(DatasetVersion, v), JSON.stringify([...Value.Errors(DatasetVersion, v)][0]));
    for (const f of EXAMPLE_FIELDS) assert.ok(f in v, `details have ${f}`);
    assert.equal(v.status, 1, v.message);
    assert.equal(v.version_name, 'V001');
    assert.equal(v.version_format, 'Default');
    assert.equal(v.total_sample_count, 11);
    assert.equal(v.annotated_sample_count, 10);
    assert.equal(v.train_evaluate_sample_ratio, '1.00');
    assert.equal(v.is_current, true);
    assert.equal(v.previous_version_id, undefined);
    assert.equal(v.task_type, 0);
    assert.deepEqual(v.tags, ['Image', 'Image classification']);
    assert.equal(v.label_type, 'single');
    assert.deepEqual(v.label_stats?.map((s) => [s.name, s.count, s.sample_count]).sort(), [
      ['cat', 6, 6],
      ['dog', 4, 4],
    ]);
    assert.equal(v.manifest_path, `${inner}annotation/V001/pets-V001.manifest`);
    // No sample files exported: the version's data folder is there, empty.
    assert.equal(v.data_path, `${inner}annotation/V001/data/`);
    const dataFolder = v.data_path.slice(1).split('/');
    assert.ok(await t.atelier.context.objectStore.exists(dataFolder[0]!, `${dataFolder.slice(1).join('/')}`), 'the data folder exists');
    assert.equal(v.analysis_status, 0, 'no feature analysis has run');

    const d = await t.client.datasets.describe(ds);
    assert.equal(d.status, 1);
    assert.equal(d.current_version_id, v1);
    assert.equal(d.current_version_name, 'V001');
    assert.equal(d.next_version_num, 2);
    assert.equal(d.dataset_version_count, 1);
    assert.deepEqual(
      d.versions?.map((x) => x.version_id),
      [v1],
    );

    const lines = await manifestOf(v.manifest_path!);
    assert.equal(lines.length, 11);
    const bySource = new Map(lines.map((m) => [m.source, m]));
    for (const [label, n] of [
      ['cat', 6],
      ['dog', 4],
    ] as const) {
      for (let i = 1; i <= n; i++) {
        const m = bySource.get(`s3://ver-obs/in/${label}/${i}.png`);
        assert.ok(m, `manifest has ${label}/${i}.png`);
        assert.deepEqual(
          m.annotation?.map((a) => [a.type, a.name]),
          [['modelarts/image_classification', label]],
        );
        assert.equal(m.usage, 'TRAIN', 'ratio 1.00: every labeled sample trains');
      }
    }
    assert.equal(bySource.get('s3://ver-obs/in/unlabeled.png')?.annotation, undefined);
  });

  test('publish with a name and a split: usage follows the ratio; the parent is the previous current version', async () => {
    v2 = (await t.client.datasets.createVersion(ds, { version_name: 'split_v2', train_evaluate_sample_ratio: '0.5', description: 'half' })).version_id;
    const v = await versionDone(t.client, ds, v2);
    assert.equal(v.status, 1, v.message);
    assert.equal(v.version_name, 'split_v2');
    assert.equal(v.train_evaluate_sample_ratio, '0.5');
    assert.equal(v.previous_version_id, v1);
    assert.equal(v.previous_total_sample_count, 11);
    assert.equal(v.previous_annotated_sample_count, 10);
    assert.equal(v.description, 'half');
    assert.equal(v.is_current, true);
    assert.equal((await t.client.datasets.describeVersion(ds, v1)).is_current, false);
    const usages = (await manifestOf(v.manifest_path!)).filter((m) => m.annotation).map((m) => m.usage);
    assert.equal(usages.length, 10);
    assert.ok(usages.every((u) => u === 'TRAIN' || u === 'EVAL'));
    assert.equal(usages.filter((u) => u === 'TRAIN').length, 5);
    // An automatic name still counts on from V001; a request without a body takes every default.
    const raw = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/versions', { params: { dataset_id: ds } });
    assert.equal(raw.status, 201, raw.text);
    const v3 = (raw.json as { version_id: string }).version_id;
    assert.equal((await versionDone(t.client, ds, v3)).version_name, 'V002');
    await t.client.datasets.deleteVersion(ds, v3);
  });

  test('list: the spec envelope, newest first, filters and paging', async () => {
    const all = await t.client.datasets.listVersions(ds);
    assert.ok(Value.Check(ListDatasetVersionsResponse, all));
    assert.equal(all.total_number, 2);
    assert.deepEqual(
      all.versions.map((v) => v.version_name),
      ['split_v2', 'V001'],
    );
    assert.equal((await t.client.datasets.listVersions(ds, { status: 1 })).total_number, 2);
    assert.equal((await t.client.datasets.listVersions(ds, { status: 4 })).total_number, 0);
    assert.equal((await t.client.datasets.listVersions(ds, { version_format: 0 })).total_number, 2);
    assert.equal((await t.client.datasets.listVersions(ds, { version_format: 2 })).total_number, 0);
    assert.deepEqual(
      (await t.client.datasets.listVersions(ds, { train_evaluate_ratio: '0.4,0.6' })).versions.map((v) => v.version_id),
      [v2],
    );
    const page = await t.client.datasets.listVersions(ds, { limit: 1, offset: 1 });
    assert.equal(page.total_number, 2);
    assert.deepEqual(
      page.versions.map((v) => v.version_id),
      [v1],
    );
    assert.deepEqual((await t.client.datasets.listVersions(ds, { limit: 1, offset: 9 })).versions, []);
    // Datasets list by their versions too.
    assert.deepEqual(
      (await t.client.datasets.list({ contain_versions: true })).datasets.map((d) => d.dataset_id),
      [ds],
    );
    assert.equal((await t.client.datasets.list({ train_evaluate_ratio: '0.9,1.0' })).total_number, 1);
    assert.equal((await t.client.datasets.list({ version_format: 2 })).total_number, 0);
    for (const query of [{ limit: 0 }, { limit: 1001 }, { offset: -1 }, { status: 5 }, { version_format: 3 }, { train_evaluate_ratio: 'a,b' }]) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/datasets/{dataset_id}/versions', { params: { dataset_id: ds }, query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    }
  });

  test('documented errors and bad input; nothing stored', async () => {
    const before = await versionCount();
    await assert.rejects(t.client.datasets.createVersion(ds, { version_name: 'split_v2' }), apiFailure(400, 'ModelArts.4371'));
    const cases: Array<[unknown, string]> = [
      [{ version_format: 'CarbonData' }, 'version_format'],
      [{ version_format: 'CSV' }, 'version_format'],
      [{ version_format: 'Parquet' }, 'body.version_format'],
      [{ train_evaluate_sample_ratio: '1.5' }, 'body.train_evaluate_sample_ratio'],
      [{ train_evaluate_sample_ratio: 'half' }, 'body.train_evaluate_sample_ratio'],
      [{ version_name: 'bad name' }, 'body.version_name'],
      [{ version_name: '../V9' }, 'body.version_name'],
      [{ description: 'a=b' }, 'body.description'],
      [{ export_images: 'yes' }, 'body.export_images'],
    ];
    for (const [body, msg] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/versions', { params: { dataset_id: ds }, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(err.error_code, 'ModelArts.0104');
      assert.ok(err.error_msg.includes(msg), `"${err.error_msg}" names ${msg}`);
    }
    assert.equal(await versionCount(), before, 'nothing stored');
    assert.equal((await t.client.datasets.describe(ds)).status, 1);

    await assert.rejects(t.client.datasets.describeVersion(ds, 'noSuchVersion'), apiFailure(400, 'ModelArts.4353'));
    await assert.rejects(t.client.datasets.deleteVersion(ds, 'noSuchVersion'), apiFailure(400, 'ModelArts.4353'));
    await assert.rejects(t.client.datasets.listVersions('noSuchDataset'), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.datasets.createVersion('noSuchDataset'), apiFailure(404, 'ModelArts.6623'));
    // A free-format dataset is not split.
    putFile(t, '/ver-obs/free/x.bin', 'x');
    const free = (await t.client.datasets.create(createBody('free', '/ver-obs/free/', '/ver-obs/free-out/', { dataset_type: 900 }))).dataset_id;
    await datasetReady(t.client, free);
    await assert.rejects(
      t.client.datasets.createVersion(free, { train_evaluate_sample_ratio: '0.8' }),
      apiFailure(400, 'ModelArts.0104', 'train_evaluate_sample_ratio'),
    );
    // A version of one dataset is not found through another.
    await assert.rejects(t.client.datasets.describeVersion(free, v1), apiFailure(400, 'ModelArts.4353'));
  });

  test('another project sees neither the dataset nor its versions', async () => {
    await assert.rejects(other.datasets.listVersions(ds), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.datasets.createVersion(ds), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.datasets.describeVersion(ds, v1), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.datasets.deleteVersion(ds, v1), apiFailure(404, 'ModelArts.6623'));
    assert.equal(await versionCount(), 2);
  });

  test('while a version is being published the dataset is releasing and refuses a second publication', async () => {
    const { worker } = t.atelier.context;
    await worker.stop();
    try {
      const pending = (await t.client.datasets.createVersion(ds, { version_name: 'pending' })).version_id;
      const d = await t.client.datasets.describe(ds, { check_running_task: true, running_task_type: 6 });
      assert.equal(d.status, 6);
      assert.equal(d.exist_running_task, true);
      const v = await t.client.datasets.describeVersion(ds, pending);
      assert.equal(v.status, 0);
      assert.equal(v.manifest_path, undefined);
      await assert.rejects(t.client.datasets.createVersion(ds), apiFailure(400, 'ModelArts.4343'));
      await assert.rejects(t.client.datasets.update(ds, { add_labels: [{ name: 'bird' }] }), apiFailure(400, 'ModelArts.4343'));
      await assert.rejects(t.client.datasets.deleteVersion(ds, pending), apiFailure(400, 'ModelArts.4343'));
      worker.start();
      assert.equal((await versionDone(t.client, ds, pending)).status, 1);
      assert.equal((await t.client.datasets.describe(ds)).status, 1);
      await t.client.datasets.deleteVersion(ds, pending);
    } finally {
      worker.start();
    }
  });

  test('current version: set through UpdateDataset; deleting it moves current to the newest left', async () => {
    await t.client.datasets.update(ds, { current_version_id: v1 });
    assert.equal((await t.client.datasets.describe(ds)).current_version_name, 'V001');
    await t.client.datasets.update(ds, { current_version_id: v2 });

    const before = await t.client.datasets.describeVersion(ds, v2);
    const folder = parseObsPath(before.manifest_path!, 'manifest');
    assert.ok(await t.atelier.context.objectStore.head(folder.bucket, folder.key));
    const res = await t.client.http.raw('DELETE', '/v2/{project_id}/datasets/{dataset_id}/versions/{version_id}', {
      params: { dataset_id: ds, version_id: v2 },
    });
    assert.equal(res.status, 204);
    assert.equal(await t.atelier.context.objectStore.head(folder.bucket, folder.key), null, 'its files are gone');
    await assert.rejects(t.client.datasets.describeVersion(ds, v2), apiFailure(400, 'ModelArts.4353'));
    const d = await t.client.datasets.describe(ds);
    assert.equal(d.current_version_id, v1);
    assert.equal(d.dataset_version_count, 1);
    assert.ok((await t.client.datasets.describeVersion(ds, v1)).is_current);
    const { db } = t.atelier.context.database;
    assert.equal((await db.selectFrom('version_samples').select('sample_id').where('version_id', '=', v2).execute()).length, 0, 'frozen copy dropped');
  });

  test('export_images copies the files into the version folder and the manifest points at the copies', async () => {
    const id = (await t.client.datasets.createVersion(ds, { version_name: 'with_images', export_images: true })).version_id;
    const v = await versionDone(t.client, ds, id);
    assert.equal(v.status, 1, v.message);
    assert.equal(v.export_images, true);
    assert.equal(v.data_path, `${inner}annotation/with_images/data/`);
    const lines = await manifestOf(v.manifest_path!);
    assert.equal(lines.length, 11);
    const store = t.atelier.context.objectStore;
    for (const m of lines) {
      const p = parseObsPath(m.source.replace(/^s3:\//, ''), 'source');
      assert.ok(m.source.startsWith(`s3:/${v.data_path}`), m.source);
      assert.equal((await store.readBuffer(p.bucket, p.key, 1024)).length, PNG.length);
    }
  });

  test('object detection: boxes are published as PASCAL VOC files the manifest refers to', async () => {
    const voc = `<annotation><folder>in</folder><filename>car.png</filename><size><width>10</width><height>8</height><depth>3</depth></size><segmented>0</segmented>
      <object><name>car</name><pose>Unspecified</pose><truncated>0</truncated><occluded>0</occluded><difficult>0</difficult>
      <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>5</xmax><ymax>6</ymax></bndbox></object></annotation>`;
    putFile(t, '/ver-obs/det/car.png', PNG);
    putFile(t, '/ver-obs/det/car.xml', voc);
    const det = (await t.client.datasets.create(createBody('detect', '/ver-obs/det/', '/ver-obs/det-out/', { dataset_type: 1 }))).dataset_id;
    assert.equal((await datasetReady(t.client, det)).annotated_sample_count, 1);
    const v = await versionDone(t.client, det, (await t.client.datasets.createVersion(det)).version_id);
    assert.equal(v.status, 1, v.message);
    const [line] = await manifestOf(v.manifest_path!);
    const loc = line?.annotation?.[0]?.['annotation-loc'];
    assert.equal(line?.annotation?.[0]?.type, 'modelarts/object_detection');
    assert.ok(loc !== undefined && loc.startsWith('s3://ver-obs/det-out/'), loc);
    const xml = await t.atelier.context.objectStore.readText('ver-obs', loc.slice('s3://ver-obs/'.length), 100_000);
    assert.match(xml, /<name>car<\/name>/);
    assert.match(xml, /<xmin>1<\/xmin>/);
  });

  test('table dataset: a CSV version joins the files under one header; a missing file ends the version in error', async () => {
    putFile(t, '/ver-obs/table/a.csv', 'sepal,species\n5.1,setosa\n4.9,setosa\n');
    putFile(t, '/ver-obs/table/b.csv', 'sepal,species\n"7,0",versicolor');
    const table = (
      await t.client.datasets.create(
        createBody('iris', '/ver-obs/table/', '/ver-obs/table-out/', {
          dataset_type: 400,
          import_data: true,
          data_sources: [{ data_type: 0, data_path: '/ver-obs/table/', with_column_header: true }],
          schema: [
            { schema_id: 1, name: 'sepal', type: 'STRING' },
            { schema_id: 2, name: 'species', type: 'STRING' },
          ],
        }),
      )
    ).dataset_id;
    assert.equal((await datasetReady(t.client, table)).total_sample_count, 2);
    const v = await versionDone(t.client, table, (await t.client.datasets.createVersion(table, { version_format: 'CSV' })).version_id);
    assert.equal(v.status, 1, v.message);
    assert.equal(v.version_format, 'CSV');
    assert.equal(v.with_column_header, true);
    const csv = await t.atelier.context.objectStore.readText('ver-obs', `${v.data_path!.slice('/ver-obs/'.length)}iris-V001.csv`, 10_000);
    // Files imported in one batch share their sample time; their order in the version is not defined.
    const [head, ...rows] = csv.split('\n');
    assert.equal(head, 'sepal,species');
    assert.deepEqual(rows.sort(), ['', '"7,0",versicolor', '4.9,setosa', '5.1,setosa']);
    assert.ok(csv.includes('5.1,setosa\n4.9,setosa\n'), 'the rows of one file stay in their order');
    assert.equal((await t.client.datasets.listVersions(table, { version_format: 2 })).total_number, 1);

    await t.atelier.context.objectStore.delete('ver-obs', 'table/b.csv');
    const broken = await versionDone(
      t.client,
      table,
      (await t.client.datasets.createVersion(table, { version_format: 'CSV', with_column_header: false })).version_id,
    );
    assert.equal(broken.status, 4);
    assert.match(broken.message ?? '', /table\/b\.csv/);
    assert.equal(broken.manifest_path, undefined);
    const d = await t.client.datasets.describe(table);
    assert.equal(d.status, 1, 'the dataset is normal again');
    assert.equal(d.current_version_id, v.version_id, 'a failed version does not become current');
    const left = await t.atelier.context.objectStore.list('ver-obs', { prefix: `${d.inner_work_path.slice('/ver-obs/'.length)}annotation/V002/` });
    assert.deepEqual(left.objects, [], 'nothing half-written stays');
  });

  test('deleting the dataset removes its versions and their frozen copies', async () => {
    await t.client.datasets.delete(ds);
    await assert.rejects(t.client.datasets.describeVersion(ds, v1), apiFailure(404, 'ModelArts.6623'));
    const { db } = t.atelier.context.database;
    assert.equal((await db.selectFrom('dataset_versions').select('id').where('dataset_id', '=', ds).execute()).length, 0);
    assert.equal((await db.selectFrom('version_samples').select('sample_id').where('version_id', '=', v1).execute()).length, 0);
  });
});
