// The bubblewrap command line of one workload. Its file system starts empty (a tmpfs root): the
// system folders are bound read-only, /tmp, /run and /var/tmp are fresh, /proc and /dev are its
// own. Nothing else of the host exists unless it is exposed: the workload's folders read-write, the
// interpreter and other needed paths read-only. A folder the sandbox user cannot traverse on the
// way to an exposed path (say /root, 0700, above an interpreter) is replaced by a tmpfs holding only
// the way down; paths to hide that would otherwise show (the data directory, the server user's
// home) get a tmpfs too. Folders created on a tmpfs are made 0755, so absolute paths work for the
// unprivileged user.
import { accessSync, constants, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, posix } from 'node:path';

/** Top-level folders of the host shown read-only. */
const SYSTEM = new Set(['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'etc', 'opt', 'var', 'sys']);
/** Top-level folders that are fresh and empty (or the sandbox's own) inside. */
const PRIVATE = new Set(['tmp', 'run', 'proc', 'dev']);

export interface Exposure {
  /** Host path. */
  source: string;
  /** Path inside the sandbox (the same as source unless a folder is shown elsewhere). */
  target: string;
  writable: boolean;
}

export interface SandboxIdentity {
  uid: number;
  gid: number;
  /** The server is root: bwrap runs as root, and setpriv drops to uid/gid before the workload runs. */
  switchUser: boolean;
}

export interface BwrapPrograms {
  bwrap: string;
  setpriv?: string;
}

type Op =
  | { kind: 'tmpfs'; path: string; perms: string }
  | { kind: 'bind'; path: string; source: string; writable: boolean }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'proc' | 'dev' | 'dir'; path: string };

const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
const isUnder = (p: string, dir: string) => dir === '/' || p === dir || p.startsWith(`${dir}/`);

function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let a = dirname(p); a !== '/'; a = dirname(a)) out.unshift(a);
  return out;
}

/** Whether a path inside the sandbox can take a folder mounted from elsewhere (a channel's local_dir). */
export function mountTargetProblem(target: string): string | undefined {
  if (!target.startsWith('/')) return 'must be an absolute path';
  if (target.includes('\0')) return 'must not hold a NUL character';
  const normal = posix.normalize(target).replace(/\/+$/, '');
  if (normal !== target.replace(/\/+$/, '') || normal === '') return 'must be a normalized path (no ., .. or //) other than /';
  const top = normal.split('/')[1]!;
  if (SYSTEM.has(top) && !isUnder(normal, '/var/tmp')) return `cannot be under /${top}, which the sandbox shows read-only from the host`;
  if (top === 'proc' || top === 'dev') return `cannot be under /${top}`;
  return undefined;
}

export class BwrapPlanner {
  private readonly top: { name: string; symlink?: string; dir: boolean }[] = [];
  private readonly resolvConf: string | undefined;

  constructor(
    private readonly programs: BwrapPrograms,
    private readonly who: SandboxIdentity,
    /** Host paths that must not show (made absent or covered by a tmpfs). */
    private readonly hidden: string[],
  ) {
    for (const name of readdirSync('/')) {
      if (!SYSTEM.has(name) && !PRIVATE.has(name)) continue;
      const st = lstatSync(`/${name}`);
      this.top.push(st.isSymbolicLink() ? { name, symlink: readlinkSync(`/${name}`), dir: false } : { name, dir: st.isDirectory() });
    }
    // resolv.conf may point into /run, which is fresh inside: its target is shown by itself.
    let resolv: string | undefined;
    try {
      resolv = realpathSync('/etc/resolv.conf');
    } catch {
      resolv = undefined;
    }
    this.resolvConf = resolv && isUnder(resolv, '/run') ? resolv : undefined;
  }

  /** Whether the sandbox user can pass through host folder `dir`. */
  private traversable(dir: string): boolean {
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) return false;
      if (!this.who.switchUser) {
        accessSync(dir, constants.X_OK);
        return true;
      }
      if (st.uid === this.who.uid) return (st.mode & 0o100) !== 0;
      if (st.gid === this.who.gid) return (st.mode & 0o010) !== 0;
      return (st.mode & 0o001) !== 0;
    } catch {
      return false;
    }
  }

  /** The full argv: bwrap, its options, then (as root) setpriv, then the command. */
  argv(command: readonly string[], cwd: string, exposures: readonly Exposure[]): string[] {
    const ops = new Map<string, Op>();
    const add = (op: Op) => ops.set(op.path, op);
    for (const t of this.top) {
      const path = `/${t.name}`;
      if (t.name === 'proc' || t.name === 'dev') add({ kind: t.name, path });
      else if (t.name === 'tmp') add({ kind: 'tmpfs', path, perms: '1777' });
      else if (t.name === 'run') add({ kind: 'tmpfs', path, perms: '0755' });
      else if (t.symlink !== undefined) add({ kind: 'symlink', path, target: t.symlink });
      else if (t.dir) add({ kind: 'bind', path, source: path, writable: false });
    }
    if (ops.get('/var')?.kind === 'bind' && this.traversable('/var/tmp')) add({ kind: 'tmpfs', path: '/var/tmp', perms: '1777' });
    // A read-only path the host already shows as it is needs no mount of its own.
    const shownAsIs = (p: string) =>
      ops.get(`/${p.split('/')[1]}`)?.kind === 'bind' &&
      ![...ops.keys()].some((o) => o !== `/${p.split('/')[1]}` && isUnder(p, o)) &&
      !this.hidden.some((h) => isUnder(p, h)) &&
      [...ancestors(p), p].every((a) => this.traversable(a));
    const all = exposures.filter((e) => e.writable || e.source !== e.target || !shownAsIs(e.target));
    if (this.resolvConf) all.push({ source: this.resolvConf, target: this.resolvConf, writable: false });
    all.sort((a, b) => depth(a.target) - depth(b.target));
    for (const e of all) add({ kind: 'bind', path: e.target, source: e.source, writable: e.writable });

    // The op whose mount holds `p` (the deepest at or above it); undefined means the empty root.
    const holder = (p: string): Op | undefined => {
      let best: Op | undefined;
      for (const op of ops.values()) if (isUnder(p, op.path) && (!best || depth(op.path) > depth(best.path))) best = op;
      return best;
    };
    const fromHost = (op: Op | undefined) => op?.kind === 'bind';

    // A host folder the user cannot pass on the way to an exposure becomes a tmpfs (the way down
    // is then made of fresh folders).
    for (const e of all) {
      for (const a of ancestors(e.target)) {
        if (ops.has(a)) continue;
        if (fromHost(holder(a)) && !this.traversable(a)) add({ kind: 'tmpfs', path: a, perms: '0755' });
      }
    }
    // A hidden path still shown from the host (say a data directory under /var/lib) is covered.
    for (const h of this.hidden) {
      if (!ops.has(h) && fromHost(holder(h))) add({ kind: 'tmpfs', path: h, perms: '0755' });
    }
    // Folders on a tmpfs on the way to a mount are made, traversable.
    for (const op of [...ops.values()]) {
      for (const a of ancestors(op.path)) {
        if (ops.has(a)) continue;
        const h = holder(a);
        if (!fromHost(h)) add({ kind: 'dir', path: a });
        else if (op.kind === 'bind' && op.source !== op.path && !exists(a))
          throw new Error(`${op.path} cannot be made inside the sandbox: ${a} is read-only from the host`);
      }
    }

    const args: string[] = [];
    const order = { tmpfs: 0, proc: 0, dev: 0, symlink: 1, bind: 1, dir: 2 } as const;
    for (const op of [...ops.values()].sort((a, b) => depth(a.path) - depth(b.path) || order[a.kind] - order[b.kind])) {
      switch (op.kind) {
        case 'tmpfs':
          args.push('--perms', op.perms, '--tmpfs', op.path);
          break;
        case 'dir':
          args.push('--perms', '0755', '--dir', op.path);
          break;
        case 'symlink':
          args.push('--symlink', op.target, op.path);
          break;
        case 'bind':
          args.push(op.writable ? '--bind' : '--ro-bind', op.source, op.path);
          break;
        case 'proc':
          args.push('--proc', op.path);
          break;
        case 'dev':
          args.push('--dev', op.path);
          break;
      }
    }
    // Own pid, IPC, UTS and cgroup namespaces; the network is the host's (model servers answer the
    // server on 127.0.0.1). The sandbox dies with its launcher, which is not the server for an
    // adoptable workload (the launcher shell outlives a restart).
    args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent', '--chdir', cwd);
    if (this.who.switchUser) {
      if (!this.programs.setpriv) throw new Error('setpriv is needed to run workloads as the sandbox user');
      args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--', this.programs.setpriv);
      args.push(`--reuid=${this.who.uid}`, `--regid=${this.who.gid}`, '--clear-groups', '--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--');
    } else {
      args.push('--');
    }
    return [this.programs.bwrap, ...args, ...command];
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
