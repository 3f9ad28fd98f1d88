// Giving a workload's folders to the sandbox user (when the server runs as root and workloads run
// as another user): every file and folder below them changes owner. Symbolic links are changed
// themselves and never followed, so a link planted by an earlier workload cannot redirect it.
import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  try {
    await lchown(dir, uid, gid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // not a folder
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, uid, gid);
    else await lchown(p, uid, gid).catch(() => undefined);
  }
}
