// The feature extractor's own process (started by feature-extractor.ts): reads the sources and
// options as JSON on stdin, writes their feature vectors as JSON to stdout, and a progress line
// ("progress <done>") to stderr every 20 samples. Decoding images stays out of the server process.
import type { ObjectStoreConfig } from '#src/storage/config.ts';
import { createObjectStore } from '#src/storage/index.ts';
import { sampleFeatures, type FeatureOptions } from './features.ts';

interface Input {
  objectStore: ObjectStoreConfig;
  sources: string[];
  options: FeatureOptions;
}

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Input;
const store = createObjectStore(input.objectStore);
const out: number[][] = [];
for (const [i, source] of input.sources.entries()) {
  out.push(await sampleFeatures(store, source, input.options));
  if ((i + 1) % 20 === 0) process.stderr.write(`progress ${i + 1}\n`);
}
await store.close();
process.stdout.write(JSON.stringify(out));
