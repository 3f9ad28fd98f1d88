import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Value } from 'typebox/value';
import { BatchResult, UploadSamplesResponse } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { b64, createDataset, objectFile, PNG, putFile } from './fixtures.ts';

describe('adding and deleting samples in batches (#13, #14)', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { files: { 'old.jpg': PNG } });
  });
  after(() => t.close());

  const total = async (id = ds.id) => (await t.client.samples.list(id, { limit: 1 })).sample_count;

  test('inline data is written into the input folder and becomes a sample; the answer is the spec shape', async () => {
    const before = await t.client.datasets.describe(ds.id);
    const res = await t.client.samples.upload(ds.id, { samples: [{ name: '2.jpg', data: b64(PNG) }] });
    assert.ok(Value.Check(UploadSamplesResponse, res));
    assert.ok((await t.client.datasets.describe(ds.id)).data_update_time > before.data_update_time, 'data_update_time follows');
    assert.equal(res.success, true);
    assert.equal(res.results!.length, 1);
    const [r] = res.results!;
    assert.deepEqual(Object.keys(r!).sort(), ['info', 'name', 'success']);
    assert.equal(r!.name, `${ds.input}2.jpg`);
    assert.match(r!.info!, /^[0-9a-f]{32}$/);
    assert.deepEqual(readFileSync(objectFile(t, r!.name!)), PNG);
    const sample = await t.client.samples.describe(ds.id, r!.info!);
    assert.equal(sample.source, r!.name);
    assert.equal(sample.sample_name, '2.jpg');
    assert.equal(sample.sample_size, PNG.length);
    assert.equal(sample.sample_status, 'UN_ANNOTATION');
    assert.equal(sample.sample_type, 0);
  });

  test('files named by path are recorded by reference with their size and time; labels given are created', async () => {
    putFile(t, '/other-bucket/pics/a.png', PNG);
    putFile(t, '/other-bucket/pics/b.jpg', Buffer.alloc(123));
    const res = await t.client.samples.upload(ds.id, {
      samples: [
        { data_source: { data_path: '/other-bucket/pics/a.png' }, labels: [{ name: 'cat' }] },
        { data_source: { data_type: 0, data_path: 'obs://other-bucket/pics/b.jpg' }, name: 'renamed.jpg', labels: [{ name: 'dog', type: 0 }, { name: 'cat' }] },
      ],
    });
    assert.deepEqual(res.results!.map((r) => r.name), ['/other-bucket/pics/a.png', '/other-bucket/pics/b.jpg']);
    const b = await t.client.samples.describe(ds.id, res.results![1]!.info!);
    assert.equal(b.sample_name, 'renamed.jpg');
    assert.equal(b.sample_size, 123);
    assert.equal(b.sample_dir, '/other-bucket/pics/');
    assert.equal(b.sample_status, 'MANUAL_ANNOTATION');
    assert.deepEqual(b.labels.map((l) => [l.name, l.type]), [['dog', 0], ['cat', 0]]);
    assert.ok(Math.abs(b.sample_time - Date.now()) < 120_000);
    const labels = await t.client.samples.listLabels(ds.id);
    assert.deepEqual(labels.labels.map((l) => l.name).sort(), ['cat', 'dog']);
  });

  test('final_annotation false leaves labels awaiting confirmation', async () => {
    putFile(t, '/other-bucket/pics/auto.jpg', PNG);
    const res = await t.client.samples.upload(ds.id, { final_annotation: false, samples: [{ data_source: { data_path: '/other-bucket/pics/auto.jpg' }, labels: [{ name: 'cat', score: 0.7 }] }] });
    const s = await t.client.samples.describe(ds.id, res.results![0]!.info!);
    assert.equal(s.sample_status, 'AUTO_ANNOTATION');
    assert.equal(s.labels[0]!.score, 0.7);
  });

  test('bad input is refused naming the field, and nothing is stored or written', async () => {
    putFile(t, '/other-bucket/pics/ok.jpg', PNG);
    putFile(t, '/other-bucket/pics/notes.txt', 'hello');
    const before = await total();
    const filesBefore = readdirSync(objectFile(t, ds.input)).sort();
    const ok = { name: 'fine.jpg', data: b64(PNG) };
    const cases: Array<[unknown, number, string, string]> = [
      [{ samples: [ok, { name: 'x.jpg', data: 'not base64!' }] }, 400, 'ModelArts.0104', 'body.samples[1].data'],
      [{ samples: [ok, { name: 'x.jpg' }] }, 400, 'ModelArts.0104', 'body.samples[1]'],
      [{ samples: [{ ...ok, data_source: { data_path: '/other-bucket/pics/ok.jpg' } }] }, 400, 'ModelArts.0104', 'body.samples[0]'],
      [{ samples: [ok, { name: '../up.jpg', data: b64(PNG) }] }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ samples: [ok, { name: 'a"b.jpg', data: b64(PNG) }] }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ samples: [ok, { name: 'doc.pdf', data: b64(PNG) }] }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ samples: [ok, { name: 'big.jpg', data: b64(Buffer.alloc(5 * 1024 * 1024 + 1)) }] }, 400, 'ModelArts.4656', 'body.samples[1].data'],
      [{ samples: [ok, { data_source: { data_path: '/other-bucket/pics/missing.jpg' } }] }, 400, 'ModelArts.4651', 'body.samples[1].data_source.data_path'],
      [{ samples: [ok, { data_source: { data_path: '/other-bucket/pics/../pics/ok.jpg' } }] }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ samples: [ok, { data_source: { data_path: '/other-bucket/pics/' } }] }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ samples: [ok, { data_source: { data_path: '/other-bucket/pics/notes.txt' } }] }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ samples: [ok, { data_source: { data_path: '/other-bucket/pics/ok.jpg', data_type: 1 } }] }, 400, 'ModelArts.0104', 'data_type'],
      [{ samples: [ok, { data_source: { data_path: `${ds.input}old.jpg` } }] }, 400, 'ModelArts.4422', 'body.samples[1]'],
      [{ samples: [ok, { ...ok }] }, 400, 'ModelArts.4422', 'appears twice'],
      [{ samples: [ok, { name: '2.jpg', data: b64(PNG) }] }, 400, 'ModelArts.4422', 'body.samples[1].name'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), labels: [{ name: 'box', type: 1 }] }] }, 400, 'ModelArts.4413', 'body.samples[1].labels[0].type'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), labels: [{ type: 0 }] }] }, 400, 'ModelArts.4410', 'body.samples[1].labels[0].name'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), labels: [{ name: 'cat', score: 2 }] }] }, 400, 'ModelArts.0104', 'score'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), metadata: { '@modelarts:hard_reasons': [99] } }] }, 400, 'ModelArts.0104', 'hard_reasons'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), sample_type: 1 }] }, 400, 'ModelArts.0104', 'body.samples[1].sample_type'],
      [{ final_annotation: false, samples: [] }, 400, 'ModelArts.0104', 'body.samples'],
      [{ samples: 'x' }, 400, 'ModelArts.0104', 'body.samples'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', { params: { dataset_id: ds.id }, body });
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 200)}: ${res.text}`);
      assert.equal(err.error_code, code, err.error_msg);
      assert.ok(err.error_msg.includes(field), `"${err.error_msg}" names ${field}`);
    }
    assert.equal(await total(), before, 'no sample stored');
    assert.deepEqual(readdirSync(objectFile(t, ds.input)).sort(), filesBefore, 'no file left behind');
    assert.ok(!(await t.client.samples.listLabels(ds.id)).labels.some((l) => l.name === 'box'), 'no label created');
  });

  test('text datasets take text files; GBK content is stored as UTF-8', async () => {
    const text = await createDataset(t, { type: 100 });
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // "你好" in GBK
    const res = await t.client.samples.upload(text.id, { samples: [{ name: 'hello.txt', data: b64(gbk), encoding: 'GBK' }] });
    assert.equal(readFileSync(objectFile(t, res.results![0]!.name!), 'utf8'), '你好');
    await assert.rejects(t.client.samples.upload(text.id, { samples: [{ name: 'a.jpg', data: b64(PNG) }] }), apiFailure(400, 'ModelArts.0104', 'body.samples[0].name'));
  });

  test('text classification: each line of an uploaded file is a sample, labels after the separator', async () => {
    const text = await createDataset(t, { type: 100 });
    const content = 'good film\tpositive\nboring plot\tnegative,dull\nno label here\n\n';
    const res = await t.client.samples.upload(text.id, { samples: [{ name: 'reviews.txt', data: b64(content), labels: [{ name: 'unsorted' }] }] });
    const ids = res.results![0]!.info!.split(',');
    assert.equal(ids.length, 3);
    const list = await t.client.samples.list(text.id, { limit: 10 });
    const byText = new Map(list.samples.map((s) => [s.source, s.labels.map((l) => l.name)]));
    assert.deepEqual(byText.get('content://good film'), ['positive']);
    assert.deepEqual(byText.get('content://boring plot'), ['negative', 'dull']);
    assert.deepEqual(byText.get('content://no label here'), ['unsorted'], 'the request labels go to lines without their own');
    // The same lines again: already samples, skipped.
    const again = await t.client.samples.upload(text.id, { samples: [{ name: 'more.txt', data: b64('good film\tpositive\nfresh\n')}] });
    assert.equal(again.results![0]!.info!.split(',').length, 1);
    assert.equal((await t.client.samples.list(text.id, { limit: 1 })).sample_count, 4);
  });

  test('unknown dataset and another project: 404 ModelArts.6623, nothing stored', async () => {
    await assert.rejects(t.client.samples.upload('no-such-dataset', { samples: [{ name: 'q.jpg', data: b64(PNG) }] }), apiFailure(404, 'ModelArts.6623'));
    const other = await t.newTenant('upload-other');
    await assert.rejects(other.samples.upload(ds.id, { samples: [{ name: 'q.jpg', data: b64(PNG) }] }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.delete(ds.id, { samples: ['x'] }), apiFailure(404, 'ModelArts.6623'));
    assert.ok(!existsSync(objectFile(t, `${ds.input}q.jpg`)));
  });

  test('delete in batches: unknown or foreign ids refuse the batch; delete_source removes the files', async () => {
    putFile(t, '/other-bucket/del/1.jpg', PNG);
    putFile(t, '/other-bucket/del/2.jpg', PNG);
    const added = await t.client.samples.upload(ds.id, {
      samples: [{ data_source: { data_path: '/other-bucket/del/1.jpg' } }, { data_source: { data_path: '/other-bucket/del/2.jpg' } }],
    });
    const [id1, id2] = added.results!.map((r) => r.info!);
    const second = await createDataset(t, { files: { 'z.jpg': PNG } });
    const foreign = (await t.client.samples.list(second.id)).samples[0]!.sample_id;
    const before = await total();

    await assert.rejects(t.client.samples.delete(ds.id, { samples: [id1!, foreign] }), apiFailure(400, 'ModelArts.4420', 'body.samples[1]'));
    await assert.rejects(t.client.samples.delete(ds.id, { samples: [id1!, 'f'.repeat(32)] }), apiFailure(400, 'ModelArts.4420'));
    await assert.rejects(t.client.samples.delete(ds.id, { samples: [] }), apiFailure(400, 'ModelArts.0104', 'body.samples'));
    await assert.rejects(t.client.samples.delete(ds.id, { samples: [id1!, id1!] }), apiFailure(400, 'ModelArts.0104', 'twice'));
    assert.equal(await total(), before);
    assert.equal(await total(second.id), 1, 'the other dataset keeps its sample');

    const res = await t.client.samples.delete(ds.id, { samples: [id1!] });
    assert.ok(Value.Check(BatchResult, res));
    assert.deepEqual(res, { success: true });
    assert.ok(existsSync(objectFile(t, '/other-bucket/del/1.jpg')), 'the file stays by default');
    await t.client.samples.delete(ds.id, { samples: [id2!], delete_source: true });
    assert.ok(!existsSync(objectFile(t, '/other-bucket/del/2.jpg')), 'delete_source removes the file');
    assert.equal(await total(), before - 2);
    await assert.rejects(t.client.samples.describe(ds.id, id1!), apiFailure(400, 'ModelArts.4420'));
    const stats = await t.client.samples.stats(ds.id);
    assert.equal(stats.sample_stats.deleted, 2);
  });

  test('delete_source leaves text files (one file holds many samples)', async () => {
    const text = await createDataset(t, { type: 100, files: { 'keep.txt': 'some text' } });
    const [s] = (await t.client.samples.list(text.id)).samples;
    await t.client.samples.delete(text.id, { samples: [s!.sample_id], delete_source: true });
    assert.ok(existsSync(objectFile(t, `${text.input}keep.txt`)));
  });
});
