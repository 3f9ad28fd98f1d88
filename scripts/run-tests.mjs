// Runs every test/**/*.test.ts with node's test runner (tsx as loader).
// Extra arguments are passed through as file filters: `npm test -- auth` runs files whose path contains "auth".
//
// Files run in groups, one process per group: a process spends about 3.5 s of CPU loading tsx and the app's modules
// before its first test, which across some 200 files was most of the suite's CPU time. A group's files run one after
// another in one process (each file cleans up after itself, as it must anyway); groups run side by side, the slow ones
// first. The slow folders' groups are up to SLOW_GROUP_SIZE files of one folder, so they spread over the runner's
// slots; the other files are packed in path order, FAST_GROUP_SIZE to a process. ATELIER_TEST_ISOLATE=1 runs each file
// in its own process again.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const SLOW_GROUP_SIZE = 4;
const FAST_GROUP_SIZE = 8;
const CONCURRENCY = process.env.ATELIER_TEST_CONCURRENCY ?? '4';
/** Folders whose files take longest (browsers, a cluster, the fuzzer): their groups start first. */
const SLOW_FIRST = ['test/harness', 'test/web', 'test/runtime/kubernetes', 'test/replicas', 'test/cli', 'test/services', 'test/training-jobs'];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const chunks = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
const groupName = (folder) => folder.replace(/^test\/?/, '').replaceAll('/', '-') || 'test';

/** The slow folders' groups first (SLOW_FIRST's order), then the other files in groups of FAST_GROUP_SIZE. */
function groups(files) {
  const slow = SLOW_FIRST.flatMap((folder) =>
    chunks(
      files.filter((f) => dirname(f) === folder),
      SLOW_GROUP_SIZE,
    ).map((chunk, i) => ({ name: `${groupName(folder)}-${i + 1}`, files: chunk })),
  );
  const fast = chunks(
    files.filter((f) => !SLOW_FIRST.includes(dirname(f))),
    FAST_GROUP_SIZE,
  ).map((chunk, i) => ({ name: `${groupName(dirname(chunk[0]))}-${i + 1}`, files: chunk }));
  return [...slow, ...fast];
}

/** One entry file per group, importing its files in order; node's test runner runs each entry in a process. */
function writeEntries(list) {
  const dir = join('.cache', 'test-groups', String(process.pid));
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    entries: list.map((g) => {
      const entry = join(dir, `${g.name}.test.mjs`);
      writeFileSync(entry, g.files.map((f) => `import ${JSON.stringify(`./${relative(dir, f)}`)};\n`).join(''));
      return entry;
    }),
  };
}

const filters = process.argv.slice(2);
const files = walk('test')
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
// The console's unit tests (web/test, vitest) run too, unless filters name only other files.
const webUnit = filters.length === 0 || filters.some((x) => x.startsWith('web/test') || x === 'web-unit');
const runWebUnit = () => spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', 'web'], { stdio: 'inherit' }).status ?? 1;
if (webUnit && files.length === 0) process.exit(runWebUnit());
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const isolate = process.env.ATELIER_TEST_ISOLATE === '1';
const { dir, entries } = isolate ? { dir: undefined, entries: files } : writeEntries(groups(files));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${isolate ? 2 : CONCURRENCY}`, ...entries], { stdio: 'inherit' });
if (dir) rmSync(dir, { recursive: true, force: true });
if (webUnit && runWebUnit() !== 0 && r.status === 0) process.exit(1);
process.exit(r.status ?? 1);
