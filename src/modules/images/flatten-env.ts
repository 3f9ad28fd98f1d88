// A saved notebook environment made self-contained. A notebook's venv holds only what the user
// installed; a .pth file layers its image's site-packages and the Jupyter runtime's under it. A
// notebook started from the saved copy layers the copy's site-packages alone (Python does not follow
// a .pth named by another .pth), so the copy takes in its base's packages itself: the packages of a
// DEDICATED base are copied in (what the user installed wins), the host interpreter's own
// site-packages are reached as a venv reaches them (include-system-site-packages), and the Jupyter
// runtime's layer (or any other interpreter's folder) is dropped, since every notebook adds it again. The copy then needs neither the source
// instance nor its base image, only the host's interpreter.
import { execFile } from 'node:child_process';
import { cp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LAYERS_PTH = '_atelier_layers.pth';
const STAMP = '.atelier-env';

/** A distribution's metadata folder (foo_bar-1.0.dist-info) as its normalized project name. */
function distName(entry: string): string | undefined {
  const m = /^(.+?)-[^-]*\.(dist-info|egg-info)$/.exec(entry);
  return m?.[1]?.toLowerCase().replace(/[-_.]+/g, '_');
}

async function ownSitePackages(env: string): Promise<string | undefined> {
  const lib = join(env, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const d of await readdir(lib)) {
    const site = join(lib, d, 'site-packages');
    if (d.startsWith('python') && existsSync(site)) return site;
  }
  return undefined;
}

/** The site-packages folders of the interpreter the venv was made from (its own, not a venv's). */
async function hostSites(env: string): Promise<string[]> {
  const real = await realpath(join(env, 'bin', 'python'));
  const { stdout } = await run(real, ['-I', '-c', 'import json, site; print(json.dumps(site.getsitepackages()))'], { timeout: 20_000 });
  return JSON.parse(stdout) as string[];
}

/** A venv's or conda prefix's site-packages (a DEDICATED base); another host folder is an interpreter's own. */
function isEnvironmentSite(layer: string): boolean {
  const prefix = dirname(dirname(dirname(layer)));
  return existsSync(layer) && (existsSync(join(prefix, 'pyvenv.cfg')) || existsSync(join(prefix, 'conda-meta')));
}

/** Copies a base layer's entries the environment does not have already; a distribution it holds in another version is left out. */
async function mergeLayer(site: string, layer: string): Promise<void> {
  const have = new Set(await readdir(site));
  const dists = new Set([...have].map(distName).filter((n): n is string => n !== undefined));
  for (const entry of await readdir(layer)) {
    if (have.has(entry)) continue;
    const dist = distName(entry);
    if (dist !== undefined && dists.has(dist)) continue;
    await cp(join(layer, entry), join(site, entry), { recursive: true, verbatimSymlinks: true });
  }
}

/** Console scripts pip wrote name the source's interpreter; they are pointed at the copy's. */
async function repointScripts(env: string, sourcePrefix: string): Promise<void> {
  const bin = join(env, 'bin');
  if (!existsSync(bin)) return;
  const from = `#!${join(sourcePrefix, 'bin')}${sep}`;
  for (const name of await readdir(bin, { withFileTypes: true })) {
    if (!name.isFile()) continue;
    const file = join(bin, name.name);
    const head = await readFile(file).then((b) => b.subarray(0, from.length).toString('utf8'));
    if (head !== from) continue;
    const text = await readFile(file, 'utf8');
    await writeFile(file, `#!${join(env, 'bin')}${sep}${text.slice(from.length)}`);
  }
}

/**
 * Makes the copy `env` of a notebook venv (copied from `sourcePrefix`) self-contained. An environment
 * that is not a notebook venv (no layers file) is left as it is, its scripts repointed.
 */
export async function flattenNotebookEnv(env: string, sourcePrefix: string, runtimeDir: string): Promise<void> {
  await repointScripts(env, sourcePrefix);
  const site = await ownSitePackages(env);
  const pth = site && join(site, LAYERS_PTH);
  if (!site || !pth || !existsSync(pth)) return;
  const layers = (await readFile(pth, 'utf8')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('import'));
  const host = new Set(await hostSites(env));
  const runtime = `${runtimeDir.replace(/\/+$/, '')}/`;
  let system = false;
  for (const layer of layers) {
    if (layer.startsWith(runtime)) continue;
    if (host.has(layer)) system = true;
    else if (isEnvironmentSite(layer)) await mergeLayer(site, layer);
  }
  await rm(pth, { force: true });
  await rm(join(env, STAMP), { force: true });
  if (system) {
    const cfg = join(env, 'pyvenv.cfg');
    const text = await readFile(cfg, 'utf8');
    await writeFile(cfg, text.replace(/^include-system-site-packages\s*=.*$/m, 'include-system-site-packages = true'));
  }
}
