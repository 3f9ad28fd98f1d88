// The sync sidecar's note, in the notebook's volume itself, of what each mount copied there (its manifest). The
// sidecar's own folder goes with its pod; this note stays with the volume, so when a pod ended without copying a mount
// back (it failed, or its sidecar was killed), the next pod's sidecar knows the folder it finds is that mount's copy:
// it writes it back to OBS, as the local executor does with a copy a stop left, instead of refusing a folder that
// holds files. The user's code can write the note too: only the mount's own OBS folder (named by Atelier's list, not
// the note) is ever written from it, and only paths OBS takes.
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyProblem } from '#src/storage/index.ts';
import { folderIn, makeFolder, safeTarget, type Manifest } from './copier.ts';

/** The volume's folder of notes (kept out of mount paths by service.ts). */
export const COPIES_DIR = '.atelier-sync';

const safeId = (id: string) => /^[A-Za-z0-9-]{1,64}$/.test(id);

/** Notes that the mount's folder holds the copy `manifest` describes. */
export function noteCopy(work: string, id: string, manifest: Manifest): void {
  if (!safeId(id) || !makeFolder(work, COPIES_DIR)) return;
  const temp = safeTarget(work, `${COPIES_DIR}/.${id}.new`);
  const target = safeTarget(work, `${COPIES_DIR}/${id}.json`);
  if (!temp || !target) return;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, target);
}

/** The manifest of the copy an earlier pod left for the mount, if its note is there. */
export function copyLeft(work: string, id: string): Manifest | undefined {
  const dir = folderIn(work, COPIES_DIR);
  if (!dir || !safeId(id)) return undefined;
  const file = join(dir, `${id}.json`);
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const manifest: Manifest = {};
    for (const [rel, v] of Object.entries(parsed as Record<string, unknown>))
      if (!keyProblem(rel) && Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') manifest[rel] = [v[0], v[1]];
    return manifest;
  } catch {
    return undefined;
  }
}

/** The mount's folder no longer holds its copy. */
export function forgetCopy(work: string, id: string): void {
  const dir = folderIn(work, COPIES_DIR);
  if (dir && safeId(id)) rmSync(join(dir, `${id}.json`), { force: true });
}
