// Writes the console's typed API (web/src/api/schema.ts) from spec/openapi.json with openapi-typescript,
// or with --check fails when the checked-in file differs from what the spec gives now.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('..', import.meta.url);
const spec = new URL('spec/openapi.json', root);
const target = fileURLToPath(new URL('web/src/api/schema.ts', root));
const header = '// Generated from spec/openapi.json by `npm run web:client` (scripts/web-client.mjs). Do not edit.\n\n';

const ast = await openapiTS(JSON.parse(readFileSync(spec, 'utf8')));
const text = header + astToString(ast);

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: differs
  }
  if (current !== text) {
    console.error('web/src/api/schema.ts differs from spec/openapi.json: run npm run web:client and commit it.');
    process.exit(1);
  }
  console.log('web/src/api/schema.ts matches spec/openapi.json');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
