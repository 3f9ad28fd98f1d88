// Unit tests of the pure parts: CSV rows to request bodies, JSON to ONNX tensors and back, weighted routing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { rowBody } from '#src/modules/services/batch-service.ts';
import { CodecError, decodeOutputs, encodeInputs } from '#src/runtime/serving/onnx-codec.ts';
import { ServingHost } from '#src/runtime/serving/serving-host.ts';
import type { ServingInstance } from '#src/runtime/serving/instance.ts';

test('a CSV row fills the mapping rule: index picks the column, -1 leaves the field out, types are cast', () => {
  const rule = {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: {
          req_data: {
            type: 'array',
            items: [
              {
                type: 'object',
                properties: {
                  a: { type: 'number', index: 1 },
                  b: { type: 'string', index: 0 },
                  c: { type: 'boolean', index: 2 },
                  d: { type: 'number', index: -1 },
                },
              },
            ],
          },
        },
      },
    },
  };
  assert.deepEqual(rowBody(rule, ['x', ' 2.5', 'true']), { data: { req_data: [{ a: 2.5, b: 'x', c: true }] } });
});

test('JSON inputs become tensors with the nesting as shape; ragged or misnamed input is refused', () => {
  const specs = [{ name: 'x', type: 'float32' as const, dims: [undefined, 2] }];
  const feeds = encodeInputs(
    {
      x: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    },
    specs,
    ort.Tensor,
  );
  assert.deepEqual(feeds.x?.dims, [3, 2]);
  assert.deepEqual(Array.from(feeds.x?.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => encodeInputs({ x: [[1, 2], [3]] }, specs, ort.Tensor), CodecError);
  assert.throws(() => encodeInputs({ x: [[1, 2, 3]] }, specs, ort.Tensor), /dimension 1 must be 2/);
  assert.throws(() => encodeInputs({ x: [[1, 'a']] }, specs, ort.Tensor), /must be a number/);
  assert.throws(() => encodeInputs({ y: [[1, 2]] }, specs, ort.Tensor), /not an input/);
  assert.throws(() => encodeInputs([1, 2], specs, ort.Tensor), /JSON object/);
  const out = decodeOutputs({
    y: new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3]),
    s: new ort.Tensor('float32', Float32Array.from([7]), []),
  });
  assert.deepEqual(out, {
    y: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    s: 7,
  });
});

test('routing follows the weights and skips no model with weight', async () => {
  const fake = (id: string): ServingInstance => ({
    id,
    ready: Promise.resolve(),
    predict: async () => ({ status: 200, body: id }),
    usage: async () => ({ cpuCores: 0, memoryMb: 0 }),
    stop: async () => undefined,
    onExit: () => undefined,
  });
  const host = new ServingHost({ event: () => undefined, health: () => undefined });
  await host.apply('s', [
    { modelId: 'a', weight: 80, instanceCount: 2, key: 'a', start: fake },
    { modelId: 'b', weight: 20, instanceCount: 1, key: 'b', start: fake },
    { modelId: 'c', weight: 0, instanceCount: 1, key: 'c', start: fake },
  ]);
  const seen = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const m = host.route('s')!.modelId;
    seen.set(m, (seen.get(m) ?? 0) + 1);
  }
  assert.equal(seen.get('c'), undefined);
  // 80% of 2000 = 1600; +-150 is beyond 7 standard deviations.
  assert.ok(Math.abs((seen.get('a') ?? 0) - 1600) < 150, JSON.stringify([...seen]));
  await host.remove('s');
  assert.equal(host.route('s'), undefined);
});
