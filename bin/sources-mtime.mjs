// When the CLI's sources last changed: the build records it in dist/cli/build.json, and
// bin/atelier.mjs runs the bundle only while the sources are not newer.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of the TypeScript files under the folder, ms (Python caches and the like are not compiled). */
function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(p));
    else if (entry.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** The newest of src/**\/*.ts and package.json under the project root, ms. */
export function sourcesMtimeMs(root) {
  return Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
}
