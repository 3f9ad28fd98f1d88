import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const hostHas = (prefix: string) => existsSync('/dev') && readdirSync('/dev').some((d) => d.startsWith(prefix) && /\d$/.test(d));

describe('plug-in templates (#139)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('gpu-driver: its versions, and whether this host can apply it', async () => {
    const res = await t.client.resourceFlavors.pluginTemplate('gpu-driver');
    assert.equal(res.apiVersion, 'v1');
    assert.equal(res.kind, 'PluginTemplate');
    assert.deepEqual(res.metadata, { name: 'gpu-driver' });
    assert.equal(res.spec.type, 'gpuDriver');
    assert.ok(res.spec.versions['440.33']);
    if (!hostHas('nvidia')) {
      assert.match(res.spec.description, /no GPU/);
      assert.match(res.spec.versions['440.33']?.detail ?? '', /no GPU/);
    }
  });

  test('npu-driver: its versions, and whether this host can apply it', async () => {
    const res = await t.client.resourceFlavors.pluginTemplate('npu-driver');
    assert.deepEqual(res.metadata, { name: 'npu-driver' });
    assert.equal(res.spec.type, 'npuDriver');
    assert.deepEqual(Object.keys(res.spec.versions).sort(), ['77-21.0.cr1', '78-21.0.2']);
    if (!hostHas('davinci')) assert.match(res.spec.description, /no NPU/);
  });

  test('an unknown name is 404 ModelArts.50005101', async () => {
    for (const name of ['cpu-driver', 'GPU-DRIVER', 'constructor', '__proto__']) {
      await assert.rejects(t.client.resourceFlavors.pluginTemplate(name), apiFailure(404, 'ModelArts.50005101', name), name);
    }
  });

  test('bad input: a name over 64 characters', async () => {
    await assert.rejects(t.client.resourceFlavors.pluginTemplate('g'.repeat(65)), apiFailure(400, 'ModelArts.0104', 'plugintemplate_name'));
  });

  test('another project sees the same templates', async () => {
    const other = await t.newTenant('templates-other');
    assert.deepEqual(await other.resourceFlavors.pluginTemplate('gpu-driver'), await t.client.resourceFlavors.pluginTemplate('gpu-driver'));
  });
});
