// Runs learner.py as a sandboxed workload, in the public pool like a training job: its CPU and
// memory are reserved before it starts and its process is tracked for the pool's metrics. The Learner
// port it implements is the seam where the Kubernetes executor runs the learner as a Job instead.
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '#src/context.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import { LocalExecutor } from '#src/runtime/local/local-executor.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { probePython } from '#src/runtime/sandbox/index.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import type { IntelligentTaskRow } from './tables.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const LEARNER = join(HERE, 'learner.py');
/** The pinned venv with numpy and scikit-learn (scripts/python-tools/setup.mjs ml-frameworks). */
const DEFAULT_PYTHON = join(HERE, '../../../.cache/python-tools/ml-frameworks/bin/python');
/** The learner's share of its pool when the task names no flavor. */
export const LEARNER_AMOUNT: PoolAmount = { cpu: 1, memoryMb: 1024 };

/** Where the learner runs: its pool and its share of it. */
export interface LearnerPlace {
  pool: LocalPool;
  amount: PoolAmount;
  /** The task's name, as the pool shows its holder. */
  name: string;
  /** The dedicated pool the task names (config.pool_id), if any. */
  poolName?: string;
}

/** What a learner is started for: the task, and the folder of its dataset where a cluster's pod stages through. */
export interface LearnerTask {
  taskId: string;
  projectId: string;
  /** A folder key of the object store ('.../'), the task's own. */
  stage: ObjectPath;
}

/** The task as a learner finds it again (to stop it, or before it runs again). */
export type LearnerHandle = Pick<IntelligentTaskRow, 'id' | 'pid' | 'start_ticks'>;

/**
 * Where the learner runs: a sandboxed process on this host (LearningEngine), or a Job of the cluster on the
 * Kubernetes executor (KubeLearner). The task service drives both the same way.
 */
export interface Learner {
  /**
   * Starts the learner on `input`; `onProgress` hears its progress (0..100) where the learner's output is at hand, and
   * `onState` what its pod waits for or does, where it runs on a cluster.
   */
  start(task: LearnerTask, input: unknown, onProgress: (p: number) => void, place: LearnerPlace, onState?: (message: string) => void): Promise<LearnerRun>;
  /** Ends the learner of a task being stopped, wherever it runs. */
  kill(task: LearnerHandle): void;
  /** This server stops under a running learner: a process dies with it; a Job is left running, to be adopted. */
  detach(task: LearnerHandle): void;
  /** Before a task runs again: a learner of the earlier attempt is killed (a process) or kept to be adopted (a Job). */
  endEarlierRun(task: LearnerHandle): void;
  /** Whether a learner the stop has to wait for is still there (a Job being removed); a process shows by its pid. */
  stillThere(taskId: string): Promise<boolean>;
  cleanup(taskId: string, stage: ObjectPath): void;
}

export type EngineDeps = Pick<AppContext, 'config' | 'pools' | 'sandbox'>;

export interface LearnerRun {
  pid: number;
  startTicks: number;
  /** Resolves with the output once the learner has ended; rejects when it failed or was killed. */
  done: Promise<unknown>;
}

export class LearningEngine implements Learner {
  private readonly executor = new LocalExecutor();

  constructor(private readonly deps: EngineDeps) {}

  private workDir(taskId: string): string {
    return join(this.deps.config.dataDir, 'intelligent-tasks', taskId);
  }

  /** Starts the learner on `input`; `onProgress` hears its progress lines (0..100). */
  async start(
    { taskId, projectId }: LearnerTask,
    input: unknown,
    onProgress: (p: number) => void,
    place: LearnerPlace,
    onState?: (message: string) => void,
  ): Promise<LearnerRun> {
    const given = this.deps.config.learner.python || DEFAULT_PYTHON;
    // The venv's own bin folder with links resolved (the sandbox shows real paths), the executable kept as the venv's.
    const python = existsSync(given) ? join(realpathSync(dirname(given)), basename(given)) : given;
    const interpreter = existsSync(python) ? probePython(python) : undefined;
    if (!interpreter) throw new Error(`the learning engine's Python (${python}) is missing: run scripts/python-tools/setup.mjs ml-frameworks`);
    const domainId = await this.deps.sandbox.admitProject(projectId);
    const dir = this.workDir(taskId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'proc'), { recursive: true });
    writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
    await this.deps.sandbox.handOver([dir]);
    const { pool, amount } = place;
    const key = `intelligent-task-${taskId}`;
    if (!pool.reserve(key, amount, { kind: 'labeling task', id: taskId, name: place.name, projectId }))
      throw new Error(`the pool has no room for the learner (${amount.cpu} cores, ${amount.memoryMb} MB) now`);
    try {
      const launch = this.deps.sandbox.launch({
        name: `smart-${taskId}`,
        command: [interpreter.executable, LEARNER, dir],
        cwd: dir,
        env: {
          PATH: '/usr/bin:/bin',
          PYTHONUNBUFFERED: '1',
          OMP_NUM_THREADS: '1',
          HOME: dir,
          // Tests hold the learner a while to stop it or restart the server under it.
          ...(this.deps.config.learner.pauseSeconds > 0 ? { ATELIER_LEARNER_PAUSE_S: String(this.deps.config.learner.pauseSeconds) } : {}),
        },
        writable: [dir],
        readable: [...interpreter.paths, HERE],
        limits: amount,
        domainId,
      });
      const log = join(dir, 'learner.log');
      const h = await this.executor.spawn({
        dir: join(dir, 'proc'),
        command: launch.command,
        cwd: launch.cwd,
        env: launch.env,
        logFile: log,
        group: launch.group,
      });
      pool.track(key, h.pid);
      onState?.('learning');
      let seen = 0;
      const timer = setInterval(() => {
        const m = [...readOr(log).matchAll(/^progress (\d+)/gm)].pop();
        if (m && Number(m[1]) !== seen) onProgress((seen = Number(m[1])));
      }, 300);
      const done = h.exited.then((exit) => {
        clearInterval(timer);
        pool.release(key);
        if (exit.code !== 0) {
          const tail = readOr(log).split('\n').filter(Boolean).slice(-3).join(' | ');
          throw new Error(exit.signal ? `the learner was killed (${exit.signal})` : `the learner failed (exit ${exit.code}): ${tail}`);
        }
        return JSON.parse(readFileSync(join(dir, 'output.json'), 'utf8')) as unknown;
      });
      return { pid: h.pid, startTicks: h.startTicks, done };
    } catch (e) {
      pool.release(key);
      throw e;
    }
  }

  /** Kills a learner that runs (also one started before a restart). */
  kill(task: LearnerHandle): void {
    if (task.pid > 0) this.executor.kill(task.pid, task.start_ticks, 0);
  }

  detach(task: LearnerHandle): void {
    this.kill(task);
  }

  endEarlierRun(task: LearnerHandle): void {
    this.kill(task);
  }

  stillThere(): Promise<boolean> {
    return Promise.resolve(false);
  }

  cleanup(taskId: string): void {
    rmSync(this.workDir(taskId), { recursive: true, force: true });
  }
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
