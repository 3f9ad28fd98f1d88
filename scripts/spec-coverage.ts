// Prints how many of the spec's 167 APIs the app serves, family by family, and lists the missing
// ones. An API counts as served when a documented route carries its operation id (the `id` of
// spec/apis.json, a copy of shared/spec/apis.json); the served operation ids are read from the
// OpenAPI document, so routes hidden from it (health, metrics, the document itself) are left out.
// Also lists served operations the spec does not have, and served ones whose method or path is
// not the spec's.
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

interface ServedOperation {
  method: string;
  path: string;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { operationId?: string }>>;
}

const apis = JSON.parse(readFileSync(new URL('../spec/apis.json', import.meta.url), 'utf8')) as SpecApi[];
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-coverage-'));
const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent' }));
try {
  await atelier.app.ready();
  const document = atelier.app.swagger() as OpenApiDocument;
  const served = new Map<string, ServedOperation>();
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.operationId) served.set(op.operationId, { method: method.toUpperCase(), path });
    }
  }

  const families = new Map<string, SpecApi[]>();
  for (const a of apis) families.set(a.family, [...(families.get(a.family) ?? []), a]);
  let total = 0;
  for (const [family, list] of families) {
    const n = list.filter((a) => served.has(a.id)).length;
    total += n;
    console.log(`${String(n).padStart(3)}/${String(list.length).padEnd(3)} ${family}`);
  }
  console.log(`\n${total}/${apis.length} APIs served\n`);

  const line = (method: string, path: string, id: string) => `  ${method.padEnd(6)} ${path}  (${id})`;
  const missing = apis.filter((a) => !served.has(a.id));
  if (missing.length > 0) {
    console.log('Missing:');
    for (const a of missing) console.log(line(a.method, a.path, a.id));
  }
  const specIds = new Map(apis.map((a) => [a.id, a]));
  const extra = [...served].filter(([id]) => !specIds.has(id));
  if (extra.length > 0) {
    console.log('\nServed, not in the spec:');
    for (const [id, op] of extra) console.log(line(op.method, op.path, id));
  }
  const moved = [...served].filter(([id, op]) => {
    const a = specIds.get(id);
    return a !== undefined && (a.method !== op.method || a.path !== op.path);
  });
  if (moved.length > 0) {
    console.log('\nServed with another method or path than the spec:');
    for (const [id, op] of moved) console.log(`${line(op.method, op.path, id)}  spec: ${specIds.get(id)!.method} ${specIds.get(id)!.path}`);
  }
} finally {
  await atelier.close();
  rmSync(dataDir, { recursive: true, force: true });
}
