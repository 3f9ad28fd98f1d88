// Takes the API reference's examples from the test suite (`npm run openapi:examples [-- filter ...]`):
// runs the tests with every test app recording its successful calls, chooses one call per
// operation and writes them to spec/examples.json, which the served /openapi.json shows. Run
// `npm run openapi` after it. With filters, only the operations those tests call are replaced;
// `--reuse` chooses again from the calls the last run recorded, without running the tests.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { RecordedExchange } from '#src/http/example-recorder.ts';
import type { OperationExample } from '#src/http/openapi-examples.ts';

const file = new URL('../spec/examples.json', import.meta.url);
// The calls of the last recording run, so `--reuse` can choose again without running the suite.
const kept = new URL('../.cache/recorded-calls.json', import.meta.url);
const args = process.argv.slice(2);

function recordCalls(filters: string[]): RecordedExchange[] {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-examples-'));
  const run = spawnSync(process.execPath, ['scripts/run-tests.mjs', ...filters], {
    stdio: 'inherit',
    env: { ...process.env, ATELIER_TEST_RECORD_EXAMPLES: dir },
  });
  if (run.status !== 0) console.warn('some tests failed; the calls that succeeded are still used');
  const calls = readdirSync(dir).flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RecordedExchange[]);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(new URL('.', kept), { recursive: true });
  writeFileSync(kept, JSON.stringify(calls));
  return calls;
}

const calls = args.includes('--reuse') ? (JSON.parse(readFileSync(kept, 'utf8')) as RecordedExchange[]) : recordCalls(args.filter((a) => !a.startsWith('--')));

/** Leaf values in a JSON value: how much of the request a call shows. */
const leaves = (v: unknown): number =>
  Array.isArray(v)
    ? v.reduce<number>((n, x) => n + leaves(x), 0)
    : typeof v === 'object' && v !== null
      ? Object.values(v).reduce<number>((n, x) => n + leaves(x), 0)
      : 1;

/**
 * The most telling call: one with a body where any has one, then the fullest request (up to a point:
 * beyond 30 fields more is only longer), then the fullest answer (an empty page shows little; beyond
 * 60 values more is only longer), then the plainest query, then the shortest answer; ties broken by
 * text, so a re-run on the same suite chooses the same call.
 */
function best(list: RecordedExchange[]): RecordedExchange {
  const key = (c: RecordedExchange) =>
    [
      c.request === undefined ? 1 : 0,
      -Math.min(30, leaves(c.request)),
      -Math.min(60, leaves(c.response)),
      Object.keys(c.query).length,
      JSON.stringify(c.response).length,
    ] as const;
  return [...list].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
  })[0]!;
}

const byOperation = new Map<string, RecordedExchange[]>();
for (const call of calls) byOperation.set(call.operationId, [...(byOperation.get(call.operationId) ?? []), call]);

const examples = JSON.parse(readFileSync(file, 'utf8')) as Record<string, OperationExample>;
for (const [operationId, list] of byOperation) {
  const { params, query, request, status, response } = best(list);
  examples[operationId] = { params, query, ...(request === undefined ? {} : { request }), status, response };
}
const sorted = Object.fromEntries(
  Object.keys(examples)
    .sort()
    .map((k) => [k, examples[k]!]),
);
writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`spec/examples.json: ${byOperation.size} operations recorded from ${calls.length} calls, ${Object.keys(sorted).length} in the file`);
