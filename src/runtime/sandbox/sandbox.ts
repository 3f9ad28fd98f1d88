// The workload sandbox: turns what a workload needs (command, folders, limits) into the command
// line that runs it confined, with its CPU and memory limits made before it starts. Backends:
// bubblewrap, or none (the workload runs as the server, which only the owner account may do).
import { lchownSync, mkdirSync } from 'node:fs';
import { apiError, type ApiError } from '#src/core/errors.ts';
import { BwrapPlanner, mountTargetProblem, type Exposure } from './bwrap-plan.ts';
import { chownTree } from './hand-over.ts';
import type { ResourceControl, ResourceGroup, ResourceLimits } from './resource-control.ts';

export type SandboxSetting = 'auto' | 'bwrap' | 'none';
export type SandboxBackend = 'bwrap' | 'none';

export interface WorkloadSpec {
  /** Unique on this host (names its cgroups), e.g. job-<id>-worker-0. */
  name: string;
  /** Executable (an absolute path) and arguments. */
  command: string[];
  cwd: string;
  /** The whole environment: nothing of the server's own is passed. */
  env: Record<string, string>;
  /** Host folders it may write, shown at the same path. */
  writable: string[];
  /** Host paths it must read (interpreter prefixes, model files, server code), shown read-only. */
  readable: string[];
  /** Host folders shown read-write at another path (a channel's folder at its local_dir). */
  mounts?: { source: string; target: string }[];
  limits: ResourceLimits;
  /** The account the workload belongs to. */
  domainId: string;
}

export interface Launch {
  /** What to start, with `wrapperArgv(command, group.joinSteps, ...)`. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  group: ResourceGroup;
}

/** Who owns the server, and which account a project is in (the policy without a sandbox). */
export interface Accounts {
  ownerDomainId(): Promise<string | undefined>;
  domainOfProject(projectId: string): Promise<string | undefined>;
}

export class Sandbox {
  private owner: string | undefined;

  constructor(
    readonly backend: SandboxBackend,
    readonly resources: ResourceControl,
    private readonly accounts: Accounts,
    private readonly options: {
      planner?: BwrapPlanner;
      /** The uid/gid workloads run as, when it is not the server's own. */
      runAs?: { uid: number; gid: number };
      /** Why there is no sandbox (for the refusal message). */
      missing?: string;
    } = {},
  ) {}

  get confined(): boolean {
    return this.backend !== 'none';
  }

  /** The uid workloads run as. */
  get runAsUid(): number {
    return (this.confined ? this.options.runAs?.uid : undefined) ?? process.getuid?.() ?? 0;
  }

  describe(): string {
    const who = this.options.runAs ? `as uid ${this.options.runAs.uid}:${this.options.runAs.gid}` : "as the server's user";
    const sandbox = this.confined
      ? `bubblewrap, ${who}`
      : `none, ${this.options.missing ?? 'it is turned off'}; only the owner account's workloads run, unconfined`;
    return `workload sandbox: ${sandbox}; ${this.resources.describe()}`;
  }

  /** Learns the owner account once it exists (so the check at spawn time can be synchronous). */
  async prime(): Promise<void> {
    this.owner ??= await this.accounts.ownerDomainId();
  }

  /** Why a workload of this account may not run here; undefined when it may. */
  refusal(domainId: string): string | undefined {
    if (this.confined || (this.owner !== undefined && domainId === this.owner)) return undefined;
    return (
      `this server runs the code of accounts other than its owner's only in its workload sandbox, which is not available: ${this.options.missing ?? 'unknown reason'}. ` +
      'The administrator can install bubblewrap (bwrap) and start the server with --sandbox auto or bwrap (ATELIER_SANDBOX)'
    );
  }

  private refused(domainId: string): ApiError | undefined {
    const why = this.refusal(domainId);
    return why ? apiError(400, 'ModelArts.6361', `(${why})`) : undefined;
  }

  /** Throws the ModelArts error when workloads of this account may not run here. */
  async admit(domainId: string): Promise<void> {
    await this.prime();
    const e = this.refused(domainId);
    if (e) throw e;
  }

  /** As admit, for the account of a project; returns that account. */
  async admitProject(projectId: string): Promise<string> {
    const domainId = (await this.accounts.domainOfProject(projectId)) ?? '';
    await this.admit(domainId);
    return domainId;
  }

  /** Why a folder cannot be shown at this path inside the sandbox (a local_dir), or undefined. */
  mountTargetProblem(target: string): string | undefined {
    return mountTargetProblem(target);
  }

  /** Makes folders the workload will write belong to the user it runs as (and their content). */
  async handOver(dirs: readonly string[]): Promise<void> {
    const to = this.confined ? this.options.runAs : undefined;
    for (const d of dirs) {
      mkdirSync(d, { recursive: true });
      if (to) await chownTree(d, to.uid, to.gid);
    }
  }

  /**
   * The confined command of a workload, its limits made. Throws when the account may not run
   * unconfined, when a folder cannot be shown where asked, or when the limits cannot be made.
   */
  launch(spec: WorkloadSpec): Launch {
    const why = this.refusal(spec.domainId);
    if (why) throw new Error(why);
    const mounts = spec.mounts ?? [];
    if (!this.confined && mounts.length > 0) throw new Error(`${mounts[0]!.target}: a folder can be shown at another path only in the sandbox`);
    let command = spec.command;
    if (this.options.planner) {
      const exposures: Exposure[] = [
        ...spec.writable.map((p) => ({ source: p, target: p, writable: true })),
        ...spec.readable.map((p) => ({ source: p, target: p, writable: false })),
        ...mounts.map((m) => ({ source: m.source, target: m.target, writable: true })),
      ];
      const to = this.options.runAs;
      // The folders' own owner: their content was handed over before (handOver).
      if (to) for (const e of exposures) if (e.writable) lchownSync(e.source, to.uid, to.gid);
      command = this.options.planner.argv(spec.command, spec.cwd, exposures);
    }
    const group = this.resources.create(spec.name, spec.limits);
    return { command, cwd: spec.cwd, env: spec.env, group };
  }
}
