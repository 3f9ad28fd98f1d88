// Prints how many of the spec's 167 APIs the app serves (method and path), family by family,
// and lists the missing ones. Reads spec/apis.json (a copy of shared/spec/apis.json).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';

interface SpecApi {
  id: string;
  family: string;
  method: string;
  path: string;
}

const apis = JSON.parse(readFileSync(new URL('../spec/apis.json', import.meta.url), 'utf8')) as SpecApi[];
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-coverage-'));
const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent' }));
try {
  await atelier.app.ready();
  const served = (a: SpecApi) =>
    atelier.app.hasRoute({ method: a.method as 'GET', url: a.path.replace(/\{(\w+)\}/g, ':$1') });
  const families = new Map<string, SpecApi[]>();
  for (const a of apis) families.set(a.family, [...(families.get(a.family) ?? []), a]);
  let total = 0;
  for (const [family, list] of families) {
    const n = list.filter(served).length;
    total += n;
    console.log(`${String(n).padStart(3)}/${String(list.length).padEnd(3)} ${family}`);
  }
  console.log(`\n${total}/${apis.length} APIs served\n`);
  const missing = apis.filter((a) => !served(a));
  if (missing.length > 0) {
    console.log('Missing:');
    for (const a of missing) console.log(`  ${a.method.padEnd(6)} ${a.path}  (${a.id})`);
  }
} finally {
  await atelier.close();
  rmSync(dataDir, { recursive: true, force: true });
}
