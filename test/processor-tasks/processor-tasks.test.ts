import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { ProcessorResultList, ProcessorTask, ProcessorVersion } from '#src/modules/processor-tasks/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { putFile } from '../datasets/fixtures.ts';
import { allResults, brighter, latestVersion, patternImage, versionFinished } from './fixtures.ts';

const BAD = 'ModelArts.0104';
const NOT_FOUND = 'ModelArts.4700';

describe('processing tasks and versions (#68-79)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
  });
  after(() => t.close());

  const validation = (name: string, input: string, output: string, params: Record<string, string> = {}) => ({
    name,
    inputs: [{ type: 'OBS' as const, source: input }],
    work_path: { type: 'OBS' as const, path: output },
    create_version: true,
    template: {
      id: 'sys_data_validation' as const,
      operator_params: [
        {
          name: 'MetaValidation',
          advanced_params_switch: false,
          params: { task_type: 'image_classification', image_max_width: '1920', image_max_height: '1920', total_status: '[0,1,2]', ...params },
        },
      ],
    },
    workspace_id: '0',
  });

  test('validation finds corrupt, truncated, unsupported, misnamed and too-small images, with reasons per file', async () => {
    const good = await patternImage(1);
    const jpeg = await patternImage(2, 80, 60, 'jpeg');
    putFile(t, '/proc-val/in/good.png', good);
    putFile(t, '/proc-val/in/photo.jpg', jpeg);
    putFile(t, '/proc-val/in/truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    putFile(t, '/proc-val/in/misnamed.jpg', good);
    putFile(t, '/proc-val/in/tiny.png', await patternImage(3, 4, 4));
    putFile(t, '/proc-val/in/broken.png', Buffer.from('this is not an image'));
    putFile(t, '/proc-val/in/vector.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>'));
    const { task_id } = await t.client.processorTasks.create(validation('val-1', '/proc-val/in/', '/proc-val/out/'));
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.ok(Value.Check(ProcessorVersion, v));
    assert.equal(v.status, 2, v.error_msg);
    assert.equal(v.version_name, 'V001');
    assert.equal(v.origin_sample_count, 7);
    assert.equal(v.deleted_sample_count, 5);
    assert.equal(v.unmodified_sample_count, 2);
    assert.equal(v.work_path?.output_path, `/proc-val/out/${versionId}/`);

    const page = await t.client.processorTasks.results(task_id, versionId, { limit: 100 });
    assert.ok(Value.Check(ProcessorResultList, page));
    const why = new Map(page.results.map((r) => [r.origin_source.split('/').pop(), r.result_description.flat().join('; ')]));
    assert.match(why.get('truncated.jpg') ?? '', /truncated/);
    assert.match(why.get('misnamed.jpg') ?? '', /wrong extension/);
    assert.match(why.get('tiny.png') ?? '', /too small/);
    assert.match(why.get('broken.png') ?? '', /corrupt/);
    assert.match(why.get('vector.svg') ?? '', /unsupported/);
    assert.equal(why.get('good.png'), 'valid');
    const kept = page.results.filter((r) => r.result_property === 0);
    // valid files stay where they are
    assert.deepEqual(kept.map((r) => r.new_source).sort(), ['obs://proc-val/in/good.png', 'obs://proc-val/in/photo.jpg']);
    const deleted = await t.client.processorTasks.results(task_id, versionId, { result_property: '2', limit: 2 });
    assert.equal(deleted.count, 5);
    assert.equal(deleted.results.length, 2);
    assert.equal(deleted.has_more, true);

    const task = await t.client.processorTasks.describe(task_id);
    assert.ok(Value.Check(ProcessorTask, task));
    assert.equal(task.status, 2);
    assert.equal(task.version_count, 1);

    // a second run is V002, with a stricter minimum
    const { version_id } = await t.client.processorTasks.createVersion(task_id, {
      ...validation('val-1', '/proc-val/in/', '/proc-val/out/', { image_min_width: '70' }),
    });
    const v2 = await versionFinished(t.client, task_id, version_id);
    assert.equal(v2.version_name, 'V002');
    assert.equal(v2.unmodified_sample_count, 1);
    const versions = await t.client.processorTasks.listVersions(task_id);
    assert.deepEqual(
      versions.versions.map((x) => x.version_name),
      ['V002', 'V001'],
    );

    await t.client.processorTasks.update(task_id, { description: 'checked inputs' });
    assert.equal((await t.client.processorTasks.describe(task_id)).description, 'checked inputs');
    await t.client.processorTasks.deleteVersion(task_id, versionId);
    await assert.rejects(t.client.processorTasks.describeVersion(task_id, versionId), apiFailure(404, NOT_FOUND));
    await t.client.processorTasks.delete(task_id);
    await assert.rejects(t.client.processorTasks.describe(task_id), apiFailure(404, NOT_FOUND));
  });

  test('the algorithm types are listed', async () => {
    const items = await t.client.processorTasks.items();
    assert.equal(items.total, 4);
    assert.deepEqual(items.items.map((i) => i.template_id).sort(), ['sys_data_augmentation', 'sys_data_cleaning', 'sys_data_selection', 'sys_data_validation']);
  });

  test('unknown parameters, wrong types and out-of-range values are refused naming them, and nothing is stored', async () => {
    const before = (await t.client.processorTasks.list()).count;
    const cases: [Record<string, string>, RegExp][] = [
      [{ colour: 'red' }, /params\.colour: unknown parameter/],
      [{ image_max_width: 'wide' }, /params\.image_max_width: must be a number/],
      [{ image_max_width: '0' }, /params\.image_max_width: must be between 1 and 65535/],
      [{ image_max_width: '1.5' }, /params\.image_max_width: must be an integer/],
      [{ do_validation: 'maybe' }, /params\.do_validation: must be true or false/],
      [{ total_status: '[0,9]' }, /params\.total_status/],
    ];
    for (const [params, message] of cases) {
      await assert.rejects(t.client.processorTasks.create(validation('bad-1', '/proc-val/in/', '/proc-val/out/', params)), (e: unknown) => {
        assert.ok(apiFailure(400, BAD)(e));
        assert.match(String((e as Error).message), message);
        return true;
      });
    }
    const wrongOp = {
      ...validation('bad-2', '/proc-val/in/', '/proc-val/out/'),
      template: { id: 'sys_data_augmentation' as const, operator_params: [{ name: 'Blur', params: {} }] },
    };
    await assert.rejects(t.client.processorTasks.create(wrongOp), apiFailure(400, BAD, 'operator_params[0].name'));
    const noise = {
      ...validation('bad-3', '/proc-val/in/', '/proc-val/out/'),
      template: { id: 'sys_data_augmentation' as const, operator_params: [{ name: 'AddNoise', params: { p: '1.5' } }] },
    };
    await assert.rejects(t.client.processorTasks.create(noise), apiFailure(400, BAD, 'params.p'));
    await assert.rejects(
      t.client.processorTasks.create({ ...validation('bad-4', '/proc-val/in/', '/proc-val/out/'), template: {} }),
      apiFailure(400, BAD, 'template.id'),
    );
    await assert.rejects(
      t.client.processorTasks.create({ ...validation('bad-5', '/proc-val/../in/', '/proc-val/out/') }),
      apiFailure(400, BAD, 'inputs[0].source'),
    );
    assert.equal((await t.client.processorTasks.list()).count, before);
  });

  test("another project's tasks are invisible, and its buckets are refused", async () => {
    putFile(t, '/proc-iso/in/a.png', await patternImage(4));
    const { task_id } = await t.client.processorTasks.create(validation('iso-1', '/proc-iso/in/', '/proc-iso/out/'));
    const versionId = await latestVersion(t.client, task_id);
    const other = await t.newTenant('proc-other');
    await assert.rejects(other.processorTasks.describe(task_id), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.processorTasks.delete(task_id), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.processorTasks.describeVersion(task_id, versionId), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.processorTasks.results(task_id, versionId), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.processorTasks.stopVersion(task_id, versionId), apiFailure(404, NOT_FOUND));
    assert.equal((await other.processorTasks.list()).count, 0);
    await assert.rejects(other.processorTasks.create(validation('iso-2', '/proc-iso/in/', '/proc-other-out/')), apiFailure(403, 'ModelArts.4310'));
  });

  test('analyse measures each image and answers histograms', async () => {
    for (let i = 0; i < 6; i++) putFile(t, `/proc-an/in/img${i}.png`, await patternImage(i + 10, 40 + i * 10, 40));
    putFile(
      t,
      '/proc-an/in/img0.xml',
      voc('img0.png', 40, 40, [
        [2, 3, 20, 30],
        [5, 5, 10, 10],
      ]),
    );
    const { task_id } = await t.client.processorTasks.create({
      name: 'an-1',
      data_source: { type: 'OBS', source: '/proc-an/in/' },
      template: { id: 'sys_data_analyse', operator_params: [{ id: 'sys_data_analyse', params: { op_list: [] } }] },
    });
    const versionId = await latestVersion(t.client, task_id);
    assert.equal((await versionFinished(t.client, task_id, versionId)).status, 2);
    const task = await t.client.processorTasks.describe(task_id);
    const result = task.result as { histograms: { feature: string; count: number; bins: { count: number }[] }[] };
    const byName = new Map(result.histograms.map((h) => [h.feature, h]));
    for (const f of ['resolution', 'aspect_ratio', 'brightness', 'clarity', 'colorfulness']) {
      assert.equal(byName.get(f)?.count, 6, f);
      assert.equal(
        byName.get(f)?.bins.reduce((s, b) => s + b.count, 0),
        6,
      );
    }
    assert.equal(byName.get('bbox_count')?.count, 1);
    assert.equal(byName.get('bbox_size')?.count, 2);
    const results = await allResults(t.client, task_id, versionId);
    assert.equal(results.length, 6);
    assert.ok(results.every((r) => r.result_description.flat().some((d) => d.startsWith('brightness '))));
  });

  test('augmentation adds transformed copies, and boxes move with the image', async () => {
    putFile(t, '/proc-aug/in/car.png', await patternImage(5, 100, 50));
    putFile(t, '/proc-aug/in/car.xml', voc('car.png', 100, 50, [[10, 5, 30, 25]]));
    const { task_id } = await t.client.processorTasks.create({
      name: 'aug-1',
      inputs: [{ type: 'OBS', source: '/proc-aug/in/' }],
      work_path: { type: 'OBS', path: '/proc-aug/out/' },
      create_version: true,
      template: {
        id: 'sys_data_augmentation',
        operator_params: [
          { name: 'Flip', params: { Flip: '1', flip_type: 'horizontal', task_type: 'object_detection' } },
          { name: 'Scale', params: { Scale: '1', scale_ratio: '0.5' } },
          { name: 'AddNoise', params: { AddNoise: '1', noise_type: 'Gauss', loc: '0', scale: '5' } },
          { name: 'Rotate', params: { Rotate: '0', angle: '30' } },
        ],
      },
    });
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.equal(v.status, 2, v.error_msg);
    assert.equal(v.add_sample_count, 3);
    const out = join(t.config.dataDir, 'obs', 'proc-aug', 'out', versionId, 'Data');
    const { readFileSync } = await import('node:fs');
    const flipped = readFileSync(join(out, 'car_Flip.xml'), 'utf8');
    assert.match(flipped, /<xmin>70<\/xmin>[\s\S]*<xmax>90<\/xmax>/);
    const scaled = readFileSync(join(out, 'car_Scale.xml'), 'utf8');
    assert.match(scaled, /<width>50<\/width>/);
    assert.match(scaled, /<xmin>5<\/xmin>[\s\S]*<ymin>3<\/ymin>[\s\S]*<xmax>15<\/xmax>/);
    const sharp = (await import('sharp')).default;
    assert.equal((await sharp(readFileSync(join(out, 'car_Scale.png'))).metadata()).width, 50);
    assert.ok(!existsSync(join(out, 'car_Rotate.png')), 'a switched-off operator adds nothing');
    const added = await t.client.processorTasks.results(task_id, versionId, { result_property: '3' });
    assert.equal(added.count, 3);
  });

  test('cleaning drops corrupt files and exact and near duplicates; selection applies size and aspect rules', async () => {
    const a = await patternImage(6, 64, 64);
    putFile(t, '/proc-clean/in/a0.png', a);
    putFile(t, '/proc-clean/in/a1-copy.png', a);
    putFile(t, '/proc-clean/in/a2-bright.png', await brighter(a, 1.05));
    putFile(t, '/proc-clean/in/b.png', await patternImage(9, 64, 64));
    putFile(t, '/proc-clean/in/bad.png', Buffer.from('nope'));
    const { task_id } = await t.client.processorTasks.create({
      name: 'clean-1',
      inputs: [{ type: 'OBS', source: '/proc-clean/in/' }],
      work_path: { type: 'OBS', path: '/proc-clean/out/' },
      create_version: true,
      template: {
        id: 'sys_data_cleaning',
        operator_params: [{ name: 'PCC', params: { simlarity_threshold: '0.9', embedding_distance: '0.1', do_validation: 'True' } }],
      },
    });
    const versionId = await latestVersion(t.client, task_id);
    assert.equal((await versionFinished(t.client, task_id, versionId)).status, 2);
    const why = new Map((await allResults(t.client, task_id, versionId)).map((r) => [r.origin_source.split('/').pop(), r]));
    assert.equal(why.get('a0.png')?.result_property, 0, JSON.stringify(why.get('a0.png')));
    assert.equal(why.get('b.png')?.result_property, 0);
    assert.match(why.get('a1-copy.png')?.result_description.flat().join() ?? '', /exact duplicate/);
    assert.match(why.get('a2-bright.png')?.result_description.flat().join() ?? '', /near duplicate/);
    assert.equal(why.get('bad.png')?.result_property, 2);

    putFile(t, '/proc-sel/in/wide.png', await patternImage(11, 200, 40));
    putFile(t, '/proc-sel/in/small.png', await patternImage(12, 20, 20));
    putFile(t, '/proc-sel/in/ok.png', await patternImage(13, 60, 50));
    const sel = await t.client.processorTasks.create({
      name: 'sel-1',
      inputs: [{ type: 'OBS', source: '/proc-sel/in/' }],
      work_path: { type: 'OBS', path: '/proc-sel/out/' },
      create_version: true,
      template: {
        id: 'sys_data_selection',
        operator_params: [{ name: 'SimDeduplication', params: { simlarity_threshold: '0.9', image_min_width: '32', max_aspect_ratio: '3' } }],
      },
    });
    const selVersion = await latestVersion(t.client, sel.task_id);
    assert.equal((await versionFinished(t.client, sel.task_id, selVersion)).status, 2);
    const sels = new Map((await allResults(t.client, sel.task_id, selVersion)).map((r) => [r.origin_source.split('/').pop(), r]));
    assert.equal(sels.get('ok.png')?.result_property, 0);
    assert.match(sels.get('wide.png')?.result_description.flat().join() ?? '', /aspect ratio/);
    assert.match(sels.get('small.png')?.result_description.flat().join() ?? '', /size/);
  });

  test('a running version stops', async () => {
    const img = await patternImage(20, 1200, 900, 'jpeg');
    for (let i = 0; i < 150; i++) putFile(t, `/proc-stop/in/${i}.jpg`, img);
    const { task_id } = await t.client.processorTasks.create({
      name: 'stop-1',
      inputs: [{ type: 'OBS', source: '/proc-stop/in/' }],
      work_path: { type: 'OBS', path: '/proc-stop/out/' },
      create_version: true,
      template: { id: 'sys_data_augmentation', operator_params: [{ name: 'AddNoise', params: { noise_type: 'Gauss' } }] },
    });
    const versionId = await latestVersion(t.client, task_id);
    await t.client.processorTasks.stopVersion(task_id, versionId);
    const stopped = await t.client.processorTasks.describeVersion(task_id, versionId);
    assert.equal(stopped.status, 4);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await t.client.processorTasks.describeVersion(task_id, versionId);
    assert.equal(later.status, 4);
    assert.ok(later.add_sample_count < 150, `stopped early: ${later.add_sample_count}`);
    const settled = later.add_sample_count;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await t.client.processorTasks.describeVersion(task_id, versionId)).add_sample_count, settled);
    // a stopped version is deleted; the task too
    await t.client.processorTasks.delete(task_id);
  });
});

function voc(file: string, w: number, h: number, boxes: number[][]): string {
  const objects = boxes
    .map(([x1, y1, x2, y2]) => `<object><name>car</name><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`)
    .join('');
  return `<annotation><filename>${file}</filename><size><width>${w}</width><height>${h}</height><depth>3</depth></size>${objects}</annotation>`;
}
