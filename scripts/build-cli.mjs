// Builds dist/cli/: the commands other than `serve` (src/cli/entry.ts) compiled to JavaScript and
// bundled, so `atelier user list` starts without a TypeScript loader and without resolving hundreds
// of files. npm runs it at install (the prepare script); bin/atelier.mjs uses the bundle while it is
// newer than every source file and falls back to the sources otherwise, so a failed or missing
// build costs start-up time, never correctness.
//
// esbuild comes with tsx (a dependency): resolved from there. Packages stay imports (native modules
// such as better-sqlite3 must); the project's own files, `#src/*` included, are bundled; dynamic
// imports become chunks loaded only by the commands that need them.
import { copyFileSync, existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourcesMtimeMs as sourcesMtimeMsOf } from '../bin/sources-mtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// --out DIR builds elsewhere (tests); it must lie inside the project, where node_modules is found.
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 && process.argv[outArg + 1] ? resolve(process.argv[outArg + 1]) : join(root, 'dist', 'cli');

// Pure-ESM packages made of hundreds of small modules: loading them file by file is most of the
// start-up (kysely: about 280 files), so they go into the bundle. The rest stay imports (native
// modules such as better-sqlite3 must; CommonJS ones would need a require shim).
const INLINED = new Set(['kysely', 'typebox']);
// Files the bundled code opens beside itself (`new URL('./x', import.meta.url)`): every chunk lands
// in the one output folder, so each is copied there.
const ASSETS = ['src/runtime/notebooks/requirements.txt'];
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * `npx atelier` runs node_modules/.bin/atelier at once when it is there. The package.json of the
 * project itself declares no "bin" on purpose: for a bin of the project's own package, npx loads
 * the whole installed tree and links the project into its cache on every run, which costs more
 * than the command itself (about 0.5 s of CPU here). So the link is made here, at install.
 */
function linkBin() {
  const binDir = join(root, 'node_modules', '.bin');
  if (!existsSync(join(root, 'node_modules'))) return;
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'atelier');
  const target = relative(binDir, join(root, 'bin', 'atelier.mjs'));
  try {
    if (readlinkSync(link) === target) return;
  } catch {
    // missing, or not a link
  }
  rmSync(link, { force: true });
  symlinkSync(target, link);
}

try {
  linkBin();
} catch (e) {
  console.warn(`atelier: could not link node_modules/.bin/atelier (${e instanceof Error ? e.message : String(e)}); use npm run atelier -- <command>`);
}

try {
  // Read before building: a source changed during the build makes the bundle stale, not wrongly fresh.
  const sourcesMtimeMs = sourcesMtimeMsOf(root);
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = await import(pathToFileURL(fromTsx.resolve('esbuild')).href);
  const started = Date.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cli/entry.ts'],
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'packages-stay-imports',
        setup(build) {
          // Anything that is not a relative path or one of our `#src/*` imports: node_modules or node's own.
          build.onResolve({ filter: /^[^./#]/ }, (args) => (INLINED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  for (const asset of ASSETS) copyFileSync(join(root, asset), join(out, basename(asset)));
  writeFileSync(join(out, 'build.json'), `${JSON.stringify({ sourcesMtimeMs, builtAt: new Date().toISOString() }, null, 2)}\n`);
  console.log(`atelier: command line compiled to ${out} in ${Date.now() - started} ms`);
} catch (e) {
  rmSync(out, { recursive: true, force: true });
  console.warn(`atelier: the command line was not compiled (${e instanceof Error ? e.message : String(e)}); it runs from the sources, slower to start`);
  if (process.argv.includes('--strict')) process.exit(1);
}
