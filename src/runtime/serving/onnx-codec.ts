// JSON <-> ONNX tensors for the native ONNX server. A request is an object whose keys are the
// model's input names and whose values are nested arrays (the shape is read from the nesting); the
// response maps each output name to a nested array of its values.
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

export class CodecError extends Error {}

type TensorType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'string';

export interface InputSpec {
  name: string;
  type: TensorType;
  /** Declared dims; symbolic or unknown ones are undefined. */
  dims: (number | undefined)[] | undefined;
}

export function inputSpecs(session: InferenceSession): InputSpec[] {
  return session.inputNames.map((name, i) => {
    const meta = session.inputMetadata[i];
    if (meta && meta.isTensor) {
      const t = meta.type as string;
      const type: TensorType = (['float32', 'float64', 'int32', 'int64', 'bool', 'string'] as const).find((x) => x === t) ?? 'float32';
      return { name, type, dims: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : undefined)) };
    }
    return { name, type: 'float32', dims: undefined };
  });
}

/** Flattens a nested array, checking it is rectangular; returns values and shape. */
function flatten(value: unknown, field: string): { values: unknown[]; shape: number[] } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: unknown[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new CodecError(`${path} nests deeper than its siblings`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new CodecError(`${path} must be an array of ${shape[depth]} items (ragged input)`);
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, field);
  return { values, shape };
}

export function encodeInputs(body: unknown, specs: InputSpec[], Tensor: typeof OrtTensor): Record<string, OrtTensor> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CodecError('body must be a JSON object mapping input names to arrays');
  const obj = body as Record<string, unknown>;
  for (const k of Object.keys(obj))
    if (!specs.some((s) => s.name === k)) throw new CodecError(`body.${k} is not an input of the model (inputs: ${specs.map((s) => s.name).join(', ')})`);
  const feeds: Record<string, OrtTensor> = {};
  for (const spec of specs) {
    const field = `body.${spec.name}`;
    if (!(spec.name in obj)) throw new CodecError(`${field} is required`);
    const { values, shape } = flatten(obj[spec.name], field);
    if (spec.dims) {
      if (spec.dims.length !== shape.length) throw new CodecError(`${field} must have ${spec.dims.length} dimensions, got ${shape.length}`);
      spec.dims.forEach((d, i) => {
        if (d !== undefined && d !== shape[i]) throw new CodecError(`${field} dimension ${i} must be ${d}, got ${shape[i]}`);
      });
    }
    feeds[spec.name] = toTensor(values, shape, spec.type, field, Tensor);
  }
  return feeds;
}

function toTensor(values: unknown[], shape: number[], type: TensorType, field: string, Tensor: typeof OrtTensor): OrtTensor {
  const numbers = (): number[] =>
    values.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CodecError(`${field} item ${i} must be a number`);
      return v;
    });
  switch (type) {
    case 'float32':
      return new Tensor('float32', Float32Array.from(numbers()), shape);
    case 'float64':
      return new Tensor('float64', Float64Array.from(numbers()), shape);
    case 'int32':
      return new Tensor('int32', Int32Array.from(numbers().map(Math.trunc)), shape);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(numbers().map((n) => BigInt(Math.trunc(n)))), shape);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(values.map((v) => (v ? 1 : 0))), shape);
    case 'string':
      return new Tensor(
        'string',
        values.map((v) => String(v)),
        shape,
      );
  }
}

/** Output tensors -> nested arrays (int64 as numbers). */
export function decodeOutputs(outputs: Record<string, OrtTensor>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(outputs)) {
    const flat = Array.from(t.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : v));
    out[name] = nest(flat, t.dims);
  }
  return out;
}

function nest(flat: unknown[], dims: readonly number[]): unknown {
  if (dims.length === 0) return flat[0];
  let level: unknown[] = flat;
  for (let d = dims.length - 1; d > 0; d--) {
    const size = dims[d] ?? 1;
    const next: unknown[] = [];
    for (let i = 0; i < level.length; i += size) next.push(level.slice(i, i + size));
    level = next;
  }
  return level;
}
