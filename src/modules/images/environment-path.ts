// The folder RegisterImage's swr_path names: an absolute, normalized path of an existing folder
// outside Atelier's data directory, holding bin/python. Anything else is refused, naming the field.
import { realpathSync, statSync } from 'node:fs';
import { basename, posix } from 'node:path';
import { imageErrors } from './errors.ts';
import { pythonOf } from './environment-probe.ts';

/** registry[:port]/repo[/more][:tag][@sha256:digest], or repo:tag: what a container image reference looks like. */
const CONTAINER_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/i;

export interface LocalEnvironment {
  /** The path as sent, without a trailing slash. */
  given: string;
  /** The folder, symbolic links resolved. */
  prefix: string;
  python: string;
  /** A name for the image, from the folder's name. */
  name: string;
}

const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A name of lowercase letters, digits, -, _ and . from a folder name. */
export function imageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 512);
  return name === '' ? 'environment' : name;
}

export function localEnvironment(swrPath: string, dataDir: string): LocalEnvironment {
  const field = 'swr_path';
  if (swrPath.includes('\0')) throw imageErrors.badValue(field, 'a NUL character');
  if (!swrPath.startsWith('/')) {
    if (CONTAINER_REFERENCE.test(swrPath) && (swrPath.includes('/') || swrPath.includes(':'))) throw imageErrors.noContainerRuntime(swrPath);
    throw imageErrors.badValue(field, 'must be the absolute path of a local Python environment');
  }
  const given = swrPath.length > 1 ? swrPath.replace(/\/+$/, '') : swrPath;
  if (posix.normalize(given) !== given) throw imageErrors.badValue(field, 'must be a normalized path, without ., .. or //');
  let prefix: string;
  try {
    prefix = realpathSync(given);
    if (!statSync(prefix).isDirectory()) throw new Error('not a folder');
  } catch {
    throw imageErrors.badValue(field, `${given} is not an existing folder on the Atelier host`);
  }
  if (within(prefix, real(dataDir)) || within(real(dataDir), prefix)) {
    throw imageErrors.badValue(field, "a folder inside (or above) Atelier's data directory cannot be registered");
  }
  const python = pythonOf(prefix);
  if (!python) throw imageErrors.badValue(field, `${given} holds no bin/python: give a virtualenv folder or a conda prefix`);
  return { given, prefix, python, name: imageName(basename(prefix)) };
}
