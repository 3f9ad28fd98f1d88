import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Value } from 'typebox/value';
import { BatchResult, UploadSamplesResponse } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { b64, createDataset, itemError, objectFile, objectPathOf, PNG, putFile } from './fixtures.ts';

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
    assert.equal(objectPathOf(sample.source), r!.name);
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
    assert.deepEqual(
      res.results!.map((r) => r.name),
      ['/other-bucket/pics/a.png', '/other-bucket/pics/b.jpg'],
    );
    const b = await t.client.samples.describe(ds.id, res.results![1]!.info!);
    assert.equal(b.sample_name, 'renamed.jpg');
    assert.equal(b.sample_size, 123);
    assert.equal(b.sample_dir, '/other-bucket/pics/');
    assert.equal(b.sample_status, 'MANUAL_ANNOTATION');
    assert.deepEqual(
      b.labels.map((l) => [l.name, l.type]),
      [
        ['dog', 0],
        ['cat', 0],
      ],
    );
    assert.ok(Math.abs(b.sample_time - Date.now()) < 120_000);
    const labels = await t.client.samples.listLabels(ds.id);
    assert.deepEqual(labels.labels.map((l) => l.name).sort(), ['cat', 'dog']);
  });

  test('final_annotation false leaves labels awaiting confirmation', async () => {
    putFile(t, '/other-bucket/pics/auto.jpg', PNG);
    const res = await t.client.samples.upload(ds.id, {
      final_annotation: false,
      samples: [{ data_source: { data_path: '/other-bucket/pics/auto.jpg' }, labels: [{ name: 'cat', score: 0.7 }] }],
    });
    const s = await t.client.samples.describe(ds.id, res.results![0]!.info!);
    assert.equal(s.sample_status, 'AUTO_ANNOTATION');
    assert.equal(s.labels[0]!.score, 0.7);
  });

  test('a bad item fails alone naming its field; the good ones beside it are added; no file of a failed item stays', async () => {
    putFile(t, '/other-bucket/pics/ok.jpg', PNG);
    putFile(t, '/other-bucket/pics/notes.txt', 'hello');
    const before = await total();
    const filesBefore = readdirSync(objectFile(t, ds.input)).sort();
    const cases: Array<[unknown, number, string, string]> = [
      [{ name: 'x.jpg', data: 'not base64!' }, 400, 'ModelArts.0104', 'body.samples[1].data'],
      [{ name: 'x.jpg' }, 400, 'ModelArts.0104', 'body.samples[1]'],
      [{ name: 'y.jpg', data: b64(PNG), data_source: { data_path: '/other-bucket/pics/ok.jpg' } }, 400, 'ModelArts.0104', 'body.samples[1]'],
      [{ name: '../up.jpg', data: b64(PNG) }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ name: 'a"b.jpg', data: b64(PNG) }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ name: 'doc.pdf', data: b64(PNG) }, 400, 'ModelArts.0104', 'body.samples[1].name'],
      [{ name: 'big.jpg', data: b64(Buffer.alloc(5 * 1024 * 1024 + 1)) }, 400, 'ModelArts.4656', 'body.samples[1].data'],
      [{ data_source: { data_path: '/other-bucket/pics/missing.jpg' } }, 400, 'ModelArts.4651', 'body.samples[1].data_source.data_path'],
      [{ data_source: { data_path: '/other-bucket/pics/../pics/ok.jpg' } }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ data_source: { data_path: '/other-bucket/pics/' } }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ data_source: { data_path: '/other-bucket/pics/notes.txt' } }, 400, 'ModelArts.0104', 'body.samples[1].data_source.data_path'],
      [{ data_source: { data_path: '/other-bucket/pics/ok.jpg', data_type: 1 } }, 400, 'ModelArts.0104', 'data_type'],
      [{ data_source: { data_path: `${ds.input}old.jpg` } }, 400, 'ModelArts.4422', 'body.samples[1]'],
      [{ name: '2.jpg', data: b64(PNG) }, 400, 'ModelArts.4422', 'body.samples[1].name'],
      [{ name: 'y.jpg', data: b64(PNG), labels: [{ name: 'box', type: 1 }] }, 400, 'ModelArts.4413', 'body.samples[1].labels[0].type'],
      [{ name: 'y.jpg', data: b64(PNG), labels: [{ type: 0 }] }, 400, 'ModelArts.4410', 'body.samples[1].labels[0].name'],
      [{ name: 'y.jpg', data: b64(PNG), sample_type: 1 }, 400, 'ModelArts.0104', 'body.samples[1].sample_type'],
    ];
    const added: string[] = [];
    for (const [i, [bad, , code, field]] of cases.entries()) {
      const ok = { name: `fine-${i}.jpg`, data: b64(PNG) };
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
        params: { dataset_id: ds.id },
        body: { samples: [ok, bad] },
      });
      const err = itemError(res, 1);
      const body = res.json as { results: { success: boolean; name?: string }[] };
      assert.ok(Value.Check(UploadSamplesResponse, body), res.text);
      assert.equal(body.results[0]!.success, true, 'the good item is added');
      added.push(`fine-${i}.jpg`);
      assert.equal(err.error_code, code, `${JSON.stringify(bad).slice(0, 100)}: ${err.error_msg}`);
      assert.ok(err.error_msg.includes(field), `"${err.error_msg}" names ${field}`);
    }
    // The same item twice: the second occurrence fails.
    const twice = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
      params: { dataset_id: ds.id },
      body: {
        samples: [
          { name: 'twin.jpg', data: b64(PNG) },
          { name: 'twin.jpg', data: b64(PNG) },
        ],
      },
    });
    assert.match(itemError(twice, 1).error_msg, /appears twice/);
    added.push('twin.jpg');
    assert.equal(await total(), before + added.length, 'only the good items are samples');
    assert.deepEqual(readdirSync(objectFile(t, ds.input)).sort(), [...filesBefore, ...added].sort(), 'no file of a failed item is left behind');
    assert.ok(!(await t.client.samples.listLabels(ds.id)).labels.some((l) => l.name === 'box'), 'no label created');
  });

  test('a request malformed as a whole is a 400 and stores nothing', async () => {
    const before = await total();
    const ok = { name: 'never.jpg', data: b64(PNG) };
    const cases: Array<[unknown, string, string]> = [
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), labels: [{ name: 'cat', score: 2 }] }] }, 'ModelArts.0104', 'score'],
      [{ samples: [ok, { name: 'y.jpg', data: b64(PNG), metadata: { '@modelarts:hard_reasons': [99] } }] }, 'ModelArts.0104', 'hard_reasons'],
      [{ final_annotation: false, samples: [] }, 'ModelArts.0104', 'body.samples'],
      [{ samples: 'x' }, 'ModelArts.0104', 'body.samples'],
      [
        { samples: [ok, { name: 'a.jpg', data: b64(Buffer.alloc(4 * 1024 * 1024)) }, { name: 'b.jpg', data: b64(Buffer.alloc(4 * 1024 * 1024)) }] },
        'ModelArts.4656',
        'body.samples',
      ],
    ];
    for (const [body, code, field] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', { params: { dataset_id: ds.id }, body });
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 200)}: ${res.text.slice(0, 300)}`);
      assert.equal(err.error_code, code, err.error_msg);
      assert.ok(err.error_msg.includes(field), `"${err.error_msg}" names ${field}`);
    }
    assert.equal(await total(), before);
    assert.ok(!existsSync(objectFile(t, `${ds.input}never.jpg`)));
  });

  test('six parallel uploads of one name: one wins, five fail per item, and the winner keeps its file and sample', async () => {
    const contents = Array.from({ length: 6 }, (_, i) => Buffer.concat([PNG, Buffer.from(`request ${i}`)]));
    const answers = await Promise.all(contents.map((c) => t.client.samples.upload(ds.id, { samples: [{ name: 'race.jpg', data: b64(c) }] })));
    const winners = answers.filter((a) => a.success);
    assert.equal(winners.length, 1, JSON.stringify(answers));
    for (const a of answers.filter((x) => !x.success)) assert.equal(a.results![0]!.error_code, 'ModelArts.4422');
    const winner = answers.indexOf(winners[0]!);
    const file = objectFile(t, `${ds.input}race.jpg`);
    assert.ok(existsSync(file), 'the acknowledged file is there');
    assert.deepEqual(readFileSync(file), contents[winner], "the winner's content, not a loser's");
    const sample = await t.client.samples.describe(ds.id, winners[0]!.results![0]!.info!);
    assert.equal(sample.sample_size, contents[winner]!.length);
    assert.equal((await t.client.samples.list(ds.id, { limit: 100 })).samples.filter((s) => s.sample_name === 'race.jpg').length, 1);
  });

  test('text datasets take text files; GBK content is stored as UTF-8', async () => {
    const text = await createDataset(t, { type: 100 });
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // "你好" in GBK
    const res = await t.client.samples.upload(text.id, { samples: [{ name: 'hello.txt', data: b64(gbk), encoding: 'GBK' }] });
    assert.equal(readFileSync(objectFile(t, res.results![0]!.name!), 'utf8'), '你好');
    const jpg = await t.client.samples.upload(text.id, { samples: [{ name: 'a.jpg', data: b64(PNG) }] });
    assert.equal(jpg.success, false);
    assert.equal(jpg.results![0]!.error_code, 'ModelArts.0104');
    assert.ok(jpg.results![0]!.error_msg!.includes('body.samples[0].name'));
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
    const again = await t.client.samples.upload(text.id, { samples: [{ name: 'more.txt', data: b64('good film\tpositive\nfresh\n') }] });
    assert.equal(again.results![0]!.info!.split(',').length, 1);
    assert.equal((await t.client.samples.list(text.id, { limit: 1 })).sample_count, 4);
  });

  test('an item that fails after its file was written removes that file only', async () => {
    const text = await createDataset(t, { type: 100 });
    // Valid UTF-8 for the first 64 KiB, then bytes that are neither UTF-8 nor read as GBK from there.
    const broken = Buffer.concat([Buffer.alloc(70 * 1024, 'a'), Buffer.from('\n'), Buffer.from([0xff, 0xfe, 0xfd, 0x0a])]);
    const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
      params: { dataset_id: text.id },
      body: {
        samples: [
          { name: 'good.txt', data: b64('fine line\n') },
          { name: 'broken.txt', data: b64(broken) },
        ],
      },
    });
    const err = itemError(res, 1);
    assert.equal(err.error_code, 'ModelArts.4362', err.error_msg);
    assert.ok(err.error_msg.includes('broken.txt'), err.error_msg);
    assert.ok(existsSync(objectFile(t, `${text.input}good.txt`)), 'the good item keeps its file');
    assert.ok(!existsSync(objectFile(t, `${text.input}broken.txt`)), 'the failed item took its own file away');
    assert.equal((await t.client.samples.list(text.id, { limit: 1 })).sample_count, 1);
  });

  test('unknown dataset and another project: 404 ModelArts.6623, nothing stored', async () => {
    await assert.rejects(t.client.samples.upload('no-such-dataset', { samples: [{ name: 'q.jpg', data: b64(PNG) }] }), apiFailure(404, 'ModelArts.6623'));
    const other = await t.newTenant('upload-other');
    await assert.rejects(other.samples.upload(ds.id, { samples: [{ name: 'q.jpg', data: b64(PNG) }] }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.delete(ds.id, { samples: ['x'] }), apiFailure(404, 'ModelArts.6623'));
    assert.ok(!existsSync(objectFile(t, `${ds.input}q.jpg`)));
  });

  test('delete in batches: unknown or foreign ids fail alone; delete_source removes the files', async () => {
    putFile(t, '/other-bucket/del/1.jpg', PNG);
    putFile(t, '/other-bucket/del/2.jpg', PNG);
    putFile(t, '/other-bucket/del/3.jpg', PNG);
    const added = await t.client.samples.upload(ds.id, {
      samples: ['1', '2', '3'].map((n) => ({ data_source: { data_path: `/other-bucket/del/${n}.jpg` } })),
    });
    const [id1, id2, id3] = added.results!.map((r) => r.info!);
    const second = await createDataset(t, { files: { 'z.jpg': PNG } });
    const foreign = (await t.client.samples.list(second.id)).samples[0]!.sample_id;
    const before = await total();

    const raw = (body: unknown) =>
      t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/delete', { params: { dataset_id: ds.id }, body });
    const mixed = await raw({ samples: [id3!, foreign, 'f'.repeat(32), id3!] });
    assert.ok(Value.Check(BatchResult, mixed.json), mixed.text);
    assert.deepEqual(
      (mixed.json as BatchResult).results!.map((r) => r.success),
      [true, false, false, false],
    );
    assert.equal(itemError(mixed, 1).error_code, 'ModelArts.4420');
    assert.ok(itemError(mixed, 1).error_msg.includes('body.samples[1]'));
    assert.equal(itemError(mixed, 2).error_code, 'ModelArts.4420');
    assert.match(itemError(mixed, 3).error_msg, /twice/);
    assert.equal((await raw({ samples: [id1!, ''] })).status, 400, 'an empty id is malformed: the whole request is refused');
    assert.equal(await total(), before - 1, 'the good item went');
    assert.equal(await total(second.id), 1, 'the other dataset keeps its sample');
    await assert.rejects(t.client.samples.delete(ds.id, { samples: [] }), apiFailure(400, 'ModelArts.0104', 'body.samples'));

    const res = await t.client.samples.delete(ds.id, { samples: [id1!] });
    assert.ok(Value.Check(BatchResult, res));
    assert.deepEqual(res, { success: true });
    assert.ok(existsSync(objectFile(t, '/other-bucket/del/1.jpg')), 'the file stays by default');
    await t.client.samples.delete(ds.id, { samples: [id2!], delete_source: true });
    assert.ok(!existsSync(objectFile(t, '/other-bucket/del/2.jpg')), 'delete_source removes the file');
    assert.equal(await total(), before - 3);
    await assert.rejects(t.client.samples.describe(ds.id, id1!), apiFailure(400, 'ModelArts.4420'));
    const stats = await t.client.samples.stats(ds.id);
    assert.equal(stats.sample_stats.deleted, 3);
  });

  test('delete_source leaves text files (one file holds many samples)', async () => {
    const text = await createDataset(t, { type: 100, files: { 'keep.txt': 'some text' } });
    const [s] = (await t.client.samples.list(text.id)).samples;
    await t.client.samples.delete(text.id, { samples: [s!.sample_id], delete_source: true });
    assert.ok(existsSync(objectFile(t, `${text.input}keep.txt`)));
  });
});
