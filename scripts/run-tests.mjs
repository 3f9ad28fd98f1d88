// Runs every test/**/*.test.ts with node's test runner (tsx as loader).
// Extra arguments are passed through as file filters: `npm test -- auth` runs files whose path contains "auth".
//
// Files run in groups, one process per group: a process spends about 3 s of CPU loading tsx and the app's modules
// before its first test, which across some 200 files was most of the suite's CPU time. A group is up to GROUP_SIZE
// files of one folder, run one after another in one process (each file cleans up after itself, as it must anyway);
// groups run side by side, the slow ones first. ATELIER_TEST_ISOLATE=1 runs each file in its own process again.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const GROUP_SIZE = 4;
const CONCURRENCY = process.env.ATELIER_TEST_CONCURRENCY ?? '4';
/** Folders whose files take longest (browsers, a cluster, the fuzzer): their groups start first. */
const SLOW_FIRST = ['test/harness', 'test/web', 'test/runtime/kubernetes', 'test/replicas', 'test/cli', 'test/services', 'test/training-jobs'];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The files in groups of at most GROUP_SIZE per folder, the slow folders' groups first. */
function groups(files) {
  const byFolder = new Map();
  for (const f of files) byFolder.set(dirname(f), [...(byFolder.get(dirname(f)) ?? []), f]);
  const rank = (folder) => (SLOW_FIRST.includes(folder) ? SLOW_FIRST.indexOf(folder) : SLOW_FIRST.length);
  const folders = [...byFolder.keys()].sort((a, b) => rank(a) - rank(b) || byFolder.get(b).length - byFolder.get(a).length);
  return folders.flatMap((folder) => {
    const list = byFolder.get(folder);
    const chunks = [];
    for (let i = 0; i < list.length; i += GROUP_SIZE) chunks.push(list.slice(i, i + GROUP_SIZE));
    return chunks.map((chunk, i) => ({ name: `${folder.replace(/^test\/?/, '').replaceAll('/', '-') || 'test'}-${i + 1}`, files: chunk }));
  });
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
