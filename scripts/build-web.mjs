// Builds the web console (web/ -> web/dist with Vite) when web/dist is missing or older than a source
// of it; --force builds anyway. Run by npm's prepare and start scripts, so `npm ci && npm start`
// serves the console with no extra step. Without --strict a failed build only warns: the API is
// served all the same, and GET / answers as before the console existed.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');
const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.mjs'), join(root, 'package-lock.json')];
const isStale = () => !existsSync(built) || sources.some((s) => existsSync(s) && newest(s) > statSync(built).mtimeMs);
if (!existsSync(join(web, 'index.html'))) {
  console.warn('atelier: web/index.html is missing: no web console to build');
  process.exit(strict ? 1 : 0);
}
if (!force && !isStale()) process.exit(0);

// One build at a time (test files run in parallel may each ask for one): the others wait for it,
// then find web/dist fresh. A lock older than two minutes is left from a build that died.
const lock = join(web, '.build-lock');
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) rmSync(lock, { recursive: true, force: true });
    await sleep(200);
  }
}
try {
  if (force || isStale()) {
    const started = Date.now();
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.mjs'), logLevel: 'warn' });
    console.log(`atelier: web console built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (e) {
  console.warn(`atelier: could not build the web console (${e instanceof Error ? e.message : String(e)}); run npm run web:build`);
  if (strict) process.exitCode = 1;
} finally {
  rmSync(lock, { recursive: true, force: true });
}
