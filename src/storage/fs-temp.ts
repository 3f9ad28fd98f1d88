// Temp files of the fs store (<root>/.tmp): each carries the id of the process writing it, so a
// store opening the folder can tell the leftovers of a process that stopped mid-write (a crash, a
// kill) from the files another live process (a CLI command beside the server) is still writing.
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** `<pid>.<uuid>`: a name no other writer picks, telling who writes it. */
export function tempName(): string {
  return `${process.pid}.${randomUUID()}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files no live process is writing (names of another form are leftovers of older
 * versions). Returns how many went. Best effort: a file that cannot be removed stays for next time.
 */
export function removeTempLeftovers(tmpDir: string): number {
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = /^(\d+)\./.exec(name);
    if (m && alive(Number(m[1]))) continue;
    try {
      rmSync(join(tmpDir, name), { recursive: true, force: true });
      removed++;
    } catch {
      // left for the next start
    }
  }
  return removed;
}
