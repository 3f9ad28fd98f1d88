// Writes a tiny ONNX classifier: scores = x · W + b, label = argmax(scores). Input "x" is
// float32 [N, F]; outputs "scores" (float32 [N, C]) and "label" (int64 [N]).
// Run: npx tsx examples/models/onnx-linear/build-model.ts  (rewrites model/model.onnx)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export function buildLinearModel(weights: number[][], bias: number[]): Uint8Array {
  const features = weights.length;
  const classes = bias.length;
  const { TensorProto } = onnx;
  const valueInfo = (name: string, elemType: number, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
          }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'linear',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'W'], output: ['xw'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['scores'] }),
      onnx.NodeProto.create({
        opType: 'ArgMax',
        input: ['scores'],
        output: ['label'],
        attribute: [
          onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
          onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
        ],
      }),
    ],
    initializer: [
      onnx.TensorProto.create({ name: 'W', dataType: TensorProto.DataType.FLOAT, dims: [features, classes], floatData: weights.flat() }),
      onnx.TensorProto.create({ name: 'b', dataType: TensorProto.DataType.FLOAT, dims: [classes], floatData: bias }),
    ],
    input: [valueInfo('x', TensorProto.DataType.FLOAT, ['N', features])],
    output: [valueInfo('scores', TensorProto.DataType.FLOAT, ['N', classes]), valueInfo('label', TensorProto.DataType.INT64, ['N'])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'atelier-example',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The example's weights: class 1 when x0 > x1, class 0 otherwise. */
export const EXAMPLE_WEIGHTS = [
  [-1, 1],
  [1, -1],
];
export const EXAMPLE_BIAS = [0, 0];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('./model/model.onnx', import.meta.url));
  writeFileSync(out, buildLinearModel(EXAMPLE_WEIGHTS, EXAMPLE_BIAS));
  console.log(`wrote ${out}`);
}
