#!/usr/bin/env node
// `atelier`: every command but `serve` runs from the compiled bundle in dist/cli/ (built at install
// by scripts/build-cli.mjs, through npm's prepare script) when it is newer than every source file;
// otherwise, and for `serve`, from the TypeScript sources through tsx.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourcesMtimeMs } from './sources-mtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** The first argument that is not an option or an option's value: every option takes a value but --help/-h. */
function commandOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (a === '--help' || a === '-h') continue;
    if (a.startsWith('-')) {
      if (!a.includes('=')) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/** The bundle, when it was built from the sources as they are now. */
function bundle() {
  try {
    const built = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'build.json'), 'utf8'));
    const sources = sourcesMtimeMs(root);
    return typeof built.sourcesMtimeMs === 'number' && built.sourcesMtimeMs >= sources ? join(root, 'dist', 'cli', 'entry.js') : undefined;
  } catch {
    return undefined;
  }
}

const compiled = commandOf(args) === 'serve' ? undefined : bundle();
if (compiled) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(commandOf(args) === 'serve' ? '../src/main.ts' : '../src/cli/entry.ts');
}
