// One ONNX instance: a worker thread holding an onnxruntime-node session. Messages in:
// {id, text}; out: {id, ok, text} or {id, ok: false, status, message}. Started by OnnxInstance.
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import ort from 'onnxruntime-node';
import { CodecError, decodeOutputs, encodeInputs, inputSpecs } from './onnx-codec.ts';

interface Init {
  modelFile: string;
}

const port = parentPort!;
const { modelFile } = workerData as Init;

let busyMs = 0;

try {
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const specs = inputSpecs(session);
  // Bodies travel as JSON text both ways: a string crosses the thread boundary far cheaper than
  // a structured clone of nested arrays.
  port.on('message', (msg: { id: number; text?: string; stats?: true }) => {
    if (msg.stats) {
      port.postMessage({ id: msg.id, ok: true, text: JSON.stringify({ busyMs, heapBytes: getHeapStatistics().used_heap_size }) });
      return;
    }
    const started = performance.now();
    let feeds;
    try {
      feeds = encodeInputs(JSON.parse(msg.text ?? '{}') as unknown, specs, ort.Tensor);
    } catch (e) {
      port.postMessage({ id: msg.id, ok: false, status: 400, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    session.run(feeds).then(
      (outputs) => {
        busyMs += performance.now() - started;
        port.postMessage({ id: msg.id, ok: true, text: JSON.stringify(decodeOutputs(outputs)) });
      },
      (e: unknown) => {
        busyMs += performance.now() - started;
        const bad = e instanceof CodecError || /invalid|dimension|shape|type/i.test(String(e));
        port.postMessage({ id: msg.id, ok: false, status: bad ? 400 : 500, message: e instanceof Error ? e.message : String(e) });
      },
    );
  });
  port.postMessage({ ready: true, inputs: specs.map((s) => s.name), outputs: session.outputNames });
} catch (e) {
  port.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) });
}
