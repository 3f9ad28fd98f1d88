// Writes the OpenAPI document the server serves to spec/openapi.json (`npm run openapi`), or with
// --check compares the two and fails on a difference (`npm run openapi:check`, run by CI): the
// checked-in contract cannot drift from the routes. The app is built on a throwaway data directory
// and asked for /openapi.json as a client would, so the file is exactly what is served.
import { readFileSync, writeFileSync } from 'node:fs';
import { isObject, servedDocument, type Json, type JsonObject } from './lib/served-openapi.ts';

const file = new URL('../spec/openapi.json', import.meta.url);
const check = process.argv.includes('--check');

/** Object keys sorted at every level; array order kept (it means something: enums, required, tags). */
function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, canonical(v[k]!)]),
  );
}

const same = (a: Json | undefined, b: Json | undefined): boolean =>
  a !== undefined && b !== undefined && JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** One line per differing entry of two objects: `+ name` served only, `- name` in the file only, `~ name` changed. */
function entryDiff(served: Json | undefined, saved: Json | undefined, label: (key: string, v: Json) => string): string[] {
  const a = isObject(served) ? served : {};
  const b = isObject(saved) ? saved : {};
  const lines: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in b)) lines.push(`  + ${label(key, a[key]!)}`);
    else if (!(key in a)) lines.push(`  - ${label(key, b[key]!)}`);
    else if (!same(a[key], b[key])) lines.push(`  ~ ${label(key, a[key]!)}`);
  }
  return lines;
}

/** Which operations, component entries and other top-level parts differ. */
function summary(served: JsonObject, saved: JsonObject): string[] {
  const lines: string[] = [];
  for (const path of new Set([...Object.keys(isObject(served.paths) ? served.paths : {}), ...Object.keys(isObject(saved.paths) ? saved.paths : {})])) {
    const a = isObject(served.paths) ? served.paths[path] : undefined;
    const b = isObject(saved.paths) ? saved.paths[path] : undefined;
    lines.push(
      ...entryDiff(a, b, (method, op) => `${method.toUpperCase()} ${path}${isObject(op) && typeof op.operationId === 'string' ? ` (${op.operationId})` : ''}`),
    );
  }
  const components = (d: JsonObject) => (isObject(d.components) ? d.components : {});
  for (const kind of new Set([...Object.keys(components(served)), ...Object.keys(components(saved))])) {
    lines.push(...entryDiff(components(served)[kind], components(saved)[kind], (name) => `components.${kind}.${name}`));
  }
  const rest = (d: JsonObject) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'paths' && k !== 'components'));
  lines.push(...entryDiff(rest(served), rest(saved), (key) => key));
  return lines;
}

const served = await servedDocument();
const text = `${JSON.stringify(served, null, 2)}\n`;

if (!check) {
  writeFileSync(file, text);
  console.log(`wrote spec/openapi.json (${Object.keys(isObject(served.paths) ? served.paths : {}).length} paths)`);
} else {
  let saved: JsonObject;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  } catch (e) {
    console.error(`spec/openapi.json cannot be read (${(e as Error).message}): run npm run openapi`);
    process.exit(1);
  }
  // Compared with object keys sorted: routes registered in another order are the same contract.
  if (!same(served, saved)) {
    const lines = summary(served, saved);
    const shown = 40;
    console.error('spec/openapi.json differs from the document the server serves (+ served only, - file only, ~ changed):');
    for (const line of lines.slice(0, shown)) console.error(line);
    if (lines.length > shown) console.error(`  ... and ${lines.length - shown} more`);
    console.error('Run `npm run openapi` and commit spec/openapi.json if the change is meant.');
    process.exit(1);
  }
  console.log('spec/openapi.json matches the served document');
}
