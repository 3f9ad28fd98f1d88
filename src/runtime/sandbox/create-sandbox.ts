// Picks the sandbox once at start-up: bubblewrap when it is asked for or (auto) when it really
// starts a sandbox here, else none; and how CPU and memory are enforced on this host.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BwrapPlanner, type SandboxIdentity } from './bwrap-plan.ts';
import { findProgram, resolveUser } from './host-tools.ts';
import { chownTree } from './hand-over.ts';
import { ResourceControl } from './resource-control.ts';
import { Sandbox, type Accounts, type SandboxSetting } from './sandbox.ts';

export interface SandboxOptions {
  setting: SandboxSetting;
  /** The user workloads run as when the server runs as root. */
  user: string;
  dataDir: string;
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Runs a tiny workload in the planned sandbox; the reason it failed, or undefined. */
async function tryBwrap(planner: BwrapPlanner, who: SandboxIdentity, dataDir: string): Promise<string | undefined> {
  const dir = join(dataDir, `.sandbox-probe-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    if (who.switchUser) await chownTree(dir, who.uid, who.gid);
    const argv = planner.argv(['/bin/sh', '-c', 'echo ok > probe'], dir, [{ source: dir, target: dir, writable: true }]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 15_000, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) return r.error.message;
    let wrote = '';
    try {
      wrote = readFileSync(join(dir, 'probe'), 'utf8');
    } catch {
      // not written
    }
    if (r.status === 0 && wrote === 'ok\n') return undefined;
    return (r.stderr || `exit status ${r.status ?? r.signal}`).trim().split('\n')[0];
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function createSandbox(opts: SandboxOptions, accounts: Accounts): Promise<Sandbox> {
  const resources = ResourceControl.detect(findProgram('taskset'));
  const none = (missing: string) => new Sandbox('none', resources, accounts, { missing });
  if (opts.setting === 'none') return none('it is turned off (--sandbox none, ATELIER_SANDBOX=none)');
  const bwrap = findProgram('bwrap');
  const fail = (why: string) => {
    if (opts.setting === 'bwrap') throw new Error(`--sandbox bwrap: ${why}`);
    return none(why);
  };
  if (!bwrap) return fail('bubblewrap (bwrap) is not installed');
  const root = process.getuid?.() === 0;
  let who: SandboxIdentity;
  let setpriv: string | undefined;
  if (root) {
    setpriv = findProgram('setpriv');
    if (!setpriv) return fail('setpriv (util-linux) is not installed, and workloads must not run as root');
    who = { ...resolveUser(opts.user), switchUser: true };
  } else {
    who = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, switchUser: false };
  }
  const hidden = [real(opts.dataDir)];
  const home = process.env.HOME;
  if (home && real(home) !== '/') hidden.push(real(home));
  const planner = new BwrapPlanner({ bwrap, ...(setpriv ? { setpriv } : {}) }, who, hidden);
  const failed = await tryBwrap(planner, who, opts.dataDir);
  if (failed) return fail(`bubblewrap did not start a sandbox here (${failed})`);
  return new Sandbox('bwrap', resources, accounts, { planner, ...(who.switchUser ? { runAs: { uid: who.uid, gid: who.gid } } : {}) });
}
