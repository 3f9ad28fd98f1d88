// Fails when the JavaScript the console's first load fetches (the entry script and the modules it
// preloads, as web/dist/index.html names them) is over 350 KB gzip. Pages are separate chunks,
// loaded when opened, so they do not count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT = 350 * 1024;
const dist = fileURLToPath(new URL('../web/dist/', import.meta.url));
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
if (scripts.length === 0) {
  console.error('web/dist/index.html names no script: build the console first (npm run web:build)');
  process.exit(1);
}
let total = 0;
for (const file of scripts) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(8)} KB gzip  ${file}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(8)} KB gzip  first load (limit ${LIMIT / 1024} KB)`);
if (total > LIMIT) process.exit(1);
