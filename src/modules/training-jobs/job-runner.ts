// Runs admitted jobs on the local executor: stages code and inputs into the job's folder, starts one
// process per node with its rank, samples CPU and memory, and at the end uploads outputs (on
// success), exports logs and records the outcome. A hyperparameter search runs its trials one after
// the other and keeps the best. After a restart it adopts the processes still running, by pid and
// start time, and fails the jobs whose processes are gone without a trace.
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '#src/core/time.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { readTail } from '#src/runtime/local/log-tail.ts';
import type { ProcessExit, ProcessHandle, UsageSample } from '#src/runtime/local/local-executor.ts';
import { fileSize, uploadFrom } from '#src/runtime/local/staging.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { joinKey, parseObsPath } from '#src/storage/obs-path.ts';
import { bestTrial, readReward, type SearchPlan, type TrialResult } from './auto-search.ts';
import { FileJobLogs } from './file-job-logs.ts';
import { exportJobLogs } from './log-export.ts';
import { launchTasks, outputDirs, stageJob, type ChannelDir, type ProcessRecord, type StagedJob } from './job-launch.ts';
import { taskNames } from './job-layout.ts';
import type { JobExecutor } from './job-executor.ts';
import type { ReplicaLeases } from '#src/runtime/leases.ts';
import { JobOwnership } from './job-ownership.ts';
import type { JobAlgorithmResponse } from './schemas.ts';
import { ACTIVE_PHASES, type TrainingJobStore } from './store.ts';
import type { TrainingJobRow } from './tables.ts';
import type { MetricSample } from './task-metrics.ts';
import type { TrainingRuntime } from './training-runtime.ts';

export interface TaskStatus {
  task: string;
  exit_code: number;
  message: string;
}

interface SearchState {
  plan: SearchPlan;
  results: TrialResult[];
}

interface Outcome {
  /** Folder of each output channel to upload on success. */
  outputs: Map<string, ChannelDir>;
  /** A search's trials, written next to each output as autosearch/trials.json. */
  search?: SearchState & { best?: TrialResult };
}

const SERVICE = '[ModelArts Service Log]';
/** A trial's reward is read from at most this much of the end of its log. */
const REWARD_WINDOW = 1024 * 1024;

export class JobRunner implements JobExecutor {
  private readonly active = new Map<string, Map<string, ProcessHandle>>();
  private readonly ownership: JobOwnership;
  /** The bookkeeping of every job this server drives; close() lets them settle. */
  private readonly chains = new Set<Promise<void>>();
  private readonly releaseListeners: (() => void)[] = [];
  private processListener: (row: TrainingJobRow, pid: number, running: boolean) => void = () => undefined;
  private closed = false;
  private stopWaiting: (reason: Error) => void = () => undefined;
  /** Rejects on close, so no chain keeps waiting for processes that outlive the server. */
  private readonly closing = new Promise<never>((_, reject) => {
    this.stopWaiting = reject;
  });

  constructor(
    private readonly runtime: TrainingRuntime,
    private readonly store: TrainingJobStore,
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly buckets: BucketAccess,
    replica?: ReplicaLeases,
  ) {
    this.ownership = new JobOwnership(replica, () => this.active.keys());
  }

  /** Listens for jobs releasing their share of the pool (the scheduler admits the next one). */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  /** Listens for a task's process group starting (or being adopted) and ending: its pool measures them. */
  onProcess(listener: (row: TrainingJobRow, pid: number, running: boolean) => void): void {
    this.processListener = listener;
  }

  /** The job is no longer followed here: its lease goes with it. */
  private untrack(jobId: string): void {
    this.active.delete(jobId);
    void this.ownership.release(jobId);
  }

  private released(): void {
    for (const listener of this.releaseListeners) listener();
  }

  isTracked(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Runs a job the scheduler has just admitted (its row is already Running). */
  start(row: TrainingJobRow): void {
    if (this.closed) return; // the next start finds it Running with no processes and fails it
    this.active.set(row.id, new Map());
    this.track(this.run(row).catch((err: unknown) => this.finishWithError(row, err)));
  }

  private track(chain: Promise<void>): void {
    const tracked = chain.finally(() => this.chains.delete(tracked));
    this.chains.add(tracked);
  }

  /** A line of the job's events: the service log lines in every task's log (a queued job's too). */
  async serviceLog(row: Pick<TrainingJobRow, 'id' | 'node_count'>, line: string): Promise<void> {
    await mkdir(join(this.runtime.layout.jobDir(row.id), 'logs'), { recursive: true });
    const text = `${SERVICE} ${new Date(this.clock.now()).toISOString()} ${line}\n`;
    await Promise.all(taskNames(row.node_count).map((t) => appendFile(this.runtime.layout.logFile(row.id, t), text)));
  }

  private async terminateAsked(jobId: string): Promise<boolean> {
    const current = await this.store.getById(jobId);
    return !current || current.terminate_requested === 1;
  }

  private async run(row: TrainingJobRow): Promise<void> {
    await this.ownership.take(row.id);
    await mkdir(join(this.runtime.layout.jobDir(row.id), 'logs'), { recursive: true });
    const log = (line: string) => this.serviceLog(row, line);
    await this.checkReads(row);
    // Without a sandbox only the owner account's jobs run (the account may have changed since creation).
    const domainId = await this.runtime.sandbox.admitProject(row.project_id);
    const staged = await stageJob(this.runtime, this.objects, this.buckets, row, domainId, log);
    if (await this.terminateAsked(row.id)) return this.finish(row.id, new Map(), { outputs: new Map() });
    if (row.search) return this.runSearch(row, staged, JSON.parse(row.search) as SearchState);
    const outputs = outputDirs(this.runtime, row, staged.algorithm);
    const handles = await this.launch(row, staged, outputs, {});
    const exits = await this.waitTasks(row, handles);
    await this.finish(row.id, exits, { outputs });
  }

  /** Starts the processes, records them for adoption, and honours a terminate that came meanwhile. */
  private async launch(row: TrainingJobRow, staged: StagedJob, outputs: Map<string, ChannelDir>, overrides: Record<string, string>) {
    const { handles, records } = await launchTasks(this.runtime, row, staged, outputs, overrides, (line) => this.serviceLog(row, line));
    this.sampleTasks(row, handles);
    const tracked = this.active.get(row.id);
    tracked?.clear();
    for (const [task, h] of handles) tracked?.set(task, h);
    await this.store.update(row.id, { processes: JSON.stringify(records), update_time: this.clock.now() });
    if (await this.terminateAsked(row.id)) this.kill(row.id, records);
    return handles;
  }

  /**
   * Samples each task's CPU, memory and I/O into its metrics file: at once (so even a task shorter
   * than the sampling interval has a sample), then every interval until waitTasks sees it end.
   */
  private sampleTasks(row: TrainingJobRow, handles: Map<string, ProcessHandle>): void {
    const perNode = { cpu: row.cpu / row.node_count, memoryMb: row.memory_mb / row.node_count };
    for (const [task, h] of handles) {
      this.processListener(row, h.pid, true);
      const file = this.runtime.layout.metricsFile(row.id, task);
      // I/O is kept as bytes since the previous sample (the first: since the process started).
      let io = { readBytes: 0, writeBytes: 0 };
      this.runtime.executor.sample(h.pid, (s: UsageSample) => {
        const sample: MetricSample = {
          at: s.at,
          cpu: round((s.cores / perNode.cpu) * 100),
          mem: round((s.rssBytes / (perNode.memoryMb * 1024 * 1024)) * 100),
        };
        if (s.io) {
          sample.rd = Math.max(0, s.io.readBytes - io.readBytes);
          sample.wr = Math.max(0, s.io.writeBytes - io.writeBytes);
          io = { readBytes: Math.max(io.readBytes, s.io.readBytes), writeBytes: Math.max(io.writeBytes, s.io.writeBytes) };
        }
        appendFile(file, `${JSON.stringify(sample)}\n`).catch(() => undefined);
      });
    }
  }

  /** Waits for every task's processes (sampleTasks samples them meanwhile). */
  private async waitTasks(row: TrainingJobRow, handles: Map<string, ProcessHandle>): Promise<Map<string, ProcessExit>> {
    const exits = new Map<string, ProcessExit>();
    await Promise.all(
      [...handles].map(async ([task, h]) => {
        let exit: ProcessExit;
        try {
          exit = await Promise.race([h.exited, this.closing]);
          exits.set(task, exit);
        } finally {
          this.runtime.executor.unsample(h.pid);
          this.processListener(row, h.pid, false);
        }
        const usage = usageLine(task, exit);
        if (usage) await this.serviceLog(row, usage).catch(() => undefined);
      }),
    );
    return exits;
  }

  /** The trials one after the other; each reward is read from the trial's part of worker-0's log. */
  private async runSearch(row: TrainingJobRow, staged: StagedJob, state: SearchState): Promise<void> {
    const { plan } = state;
    const results: TrialResult[] = [];
    let exits = new Map<string, ProcessExit>();
    const logFile = this.runtime.layout.logFile(row.id, 'worker-0');
    for (const [i, parameters] of plan.trials.entries()) {
      if (await this.terminateAsked(row.id)) break;
      const shown = Object.entries(parameters)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      await this.serviceLog(row, `${plan.algorithm} trial ${i + 1}/${plan.trials.length}: ${shown}`);
      const from = await fileSize(logFile);
      const handles = await this.launch(row, staged, outputDirs(this.runtime, row, staged.algorithm, i), parameters);
      exits = await this.waitTasks(row, handles);
      const tail = await readTail(logFile, REWARD_WINDOW);
      const bytes = Buffer.from(tail.content);
      const segment = bytes.subarray(Math.max(0, bytes.length - (tail.fullSize - from))).toString('utf8');
      const exitCode = [...exits.values()].map((e) => e.code ?? -1).find((c) => c !== 0) ?? 0;
      const result: TrialResult = { trial: i, parameters, reward: exitCode === 0 ? readReward(segment, plan.reward.regex) : null, exit_code: exitCode };
      results.push(result);
      await this.store.update(row.id, { search: JSON.stringify({ plan, results }), update_time: this.clock.now() });
      await this.serviceLog(row, `trial ${i + 1}: exit ${exitCode}, ${plan.reward.name}=${result.reward ?? 'not reported'}`);
    }
    const best = bestTrial(results, plan.reward.mode);
    if (best)
      await this.serviceLog(
        row,
        `best trial ${best.trial + 1}: ${Object.entries(best.parameters)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} ${plan.reward.name}=${best.reward}`,
      );
    const outputs = best ? outputDirs(this.runtime, row, staged.algorithm, best.trial) : new Map<string, ChannelDir>();
    await this.finish(row.id, exits, { outputs, search: { plan, results, ...(best ? { best } : {}) } });
  }

  /** Records the outcome: Terminated when asked, Completed when every task exited 0 (outputs uploaded), else Failed. */
  private async finish(jobId: string, exits: Map<string, ProcessExit>, outcome: Outcome): Promise<void> {
    if (this.closed) return;
    const row = await this.store.getById(jobId);
    if (!row || !ACTIVE_PHASES.includes(row.phase)) {
      this.untrack(jobId);
      // Deleted while running: nothing to record, only files to remove.
      if (!row) await rm(this.runtime.layout.jobDir(jobId), { recursive: true, force: true });
      this.released();
      return;
    }
    const statuses: TaskStatus[] = [...exits]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([task, e]) => ({
        task,
        exit_code: e.code ?? -1,
        message: exitMessage(e),
      }));
    let phase: 'Completed' | 'Failed' | 'Terminated';
    if (row.terminate_requested) phase = 'Terminated';
    else if (outcome.search) phase = outcome.search.best ? 'Completed' : 'Failed';
    else phase = statuses.length > 0 && statuses.every((s) => s.exit_code === 0) ? 'Completed' : 'Failed';
    if (outcome.search && statuses[0]) {
      const { best, plan } = outcome.search;
      statuses[0] = {
        ...statuses[0],
        message: best
          ? `best trial ${best.trial + 1} of ${plan.trials.length}: ${Object.entries(best.parameters)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')} ${plan.reward.name}=${best.reward}`
          : `no trial of ${plan.trials.length} reported ${plan.reward.name}`,
      };
    }
    if (phase === 'Completed') {
      try {
        await this.uploadOutputs(row, outcome);
      } catch (err) {
        phase = 'Failed';
        statuses[0] = { task: 'worker-0', exit_code: statuses[0]?.exit_code ?? -1, message: `uploading outputs failed: ${errorText(err)}` };
      }
    }
    await this.serviceLog(row, `job ${phase.toLowerCase()}`).catch(() => undefined);
    await exportJobLogs(this.objects, this.buckets, new FileJobLogs(this.runtime.layout), row).catch((err: unknown) =>
      this.log.warn({ err, job: row.id }, 'log export failed'),
    );
    const now = this.clock.now();
    await this.store.update(row.id, { phase, secondary_phase: phase, end_time: now, update_time: now, task_statuses: JSON.stringify(statuses) }, ACTIVE_PHASES);
    // Tracked until recorded, so the reconciler never takes it for a job to adopt.
    this.untrack(jobId);
    this.released();
  }

  private async finishWithError(row: TrainingJobRow, err: unknown): Promise<void> {
    if (this.closed) return;
    this.log.warn({ err, job: row.id }, 'training job failed');
    this.kill(row.id);
    const message = errorText(err);
    await this.serviceLog(row, `failed: ${message}`).catch(() => undefined);
    const now = this.clock.now();
    const current = await this.store.getById(row.id).catch(() => undefined);
    const terminated = current?.terminate_requested === 1;
    await this.store
      .update(
        row.id,
        {
          phase: terminated ? 'Terminated' : 'Failed',
          secondary_phase: terminated ? 'Terminated' : 'Failed',
          end_time: now,
          update_time: now,
          task_statuses: JSON.stringify(taskNames(row.node_count).map((task) => ({ task, exit_code: -1, message }))),
        },
        ACTIVE_PHASES,
      )
      .catch((e: unknown) => this.log.error({ err: e, job: row.id }, 'recording a job failure failed'));
    this.untrack(row.id);
    this.released();
  }

  /** The account may have lost a bucket since the job was created (a revoked grant): nothing of it is read. */
  private async checkReads(row: TrainingJobRow): Promise<void> {
    const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
    const user = { projectId: row.project_id };
    await this.buckets.check(user, parseObsPath(algorithm.code_dir ?? '', 'code_dir'), 'code_dir');
    for (const input of algorithm.inputs ?? []) {
      const url = input.remote.obs?.obs_url ?? input.remote.dataset?.obs_url ?? '';
      await this.buckets.check(user, parseObsPath(url, `inputs.${input.name}`), `inputs.${input.name}`);
    }
  }

  private async uploadOutputs(row: TrainingJobRow, outcome: Outcome): Promise<void> {
    const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
    for (const o of algorithm.outputs ?? []) {
      const dest = parseObsPath(o.remote.obs.obs_url, `outputs.${o.name}`);
      await this.buckets.check({ projectId: row.project_id }, dest, `outputs.${o.name}`, 'write');
      const dir = outcome.outputs.get(o.name)?.host;
      if (!dir) continue;
      const n = await uploadFrom(this.objects, dir, dest.bucket, dest.key);
      if (outcome.search) {
        const { plan, results, best } = outcome.search;
        const report = { algorithm: plan.algorithm, reward: plan.reward, trials: results, best: best ?? null };
        await this.objects.put(dest.bucket, joinKey(dest.key, 'autosearch/trials.json'), JSON.stringify(report, null, 2), { contentType: 'application/json' });
      }
      await this.serviceLog(row, `uploaded ${n} file(s) of output ${o.name} to ${o.remote.obs.obs_url}`);
    }
  }

  /** Signals every process group of the job (from this server's handles or the recorded pids). */
  kill(jobId: string, records?: ProcessRecord[]): void {
    const handles = this.active.get(jobId);
    const list = records ?? (handles ? [...handles].map(([task, h]) => ({ task, pid: h.pid, start_ticks: h.startTicks })) : []);
    for (const r of list) this.runtime.executor.kill(r.pid, r.start_ticks);
  }

  /** Kills the job's processes: this server's handles when it runs them, else the ones its row records. */
  stop(row: TrainingJobRow): void {
    if (this.active.has(row.id)) this.kill(row.id);
    else this.killRecorded(row);
  }

  /** Kills a job's processes from its row (for jobs no longer tracked, e.g. being deleted). */
  killRecorded(row: TrainingJobRow): void {
    this.kill(row.id, JSON.parse(row.processes) as ProcessRecord[]);
  }

  /**
   * Start-up and periodic safety net: every Running or Terminating job this server does not track
   * is adopted (its processes still run), finished (they ended, the wrapper left exit codes) or
   * failed (nothing is left to tell).
   */
  async reconcile(): Promise<void> {
    for (const listed of await this.store.inPhases(ACTIVE_PHASES)) {
      if (this.active.has(listed.id) || this.closed) continue;
      // Read again: the job may have ended or been taken up since the list was read.
      const row = await this.store.getById(listed.id);
      if (!row || !ACTIVE_PHASES.includes(row.phase) || this.active.has(row.id)) continue;
      const records = JSON.parse(row.processes) as ProcessRecord[];
      // Just admitted, perhaps by another replica that has not taken its lease yet.
      if (records.length === 0 && this.clock.now() - Number(row.update_time) < this.ownership.graceMs) continue;
      // A live replica that runs it (or is staging it) holds its lease.
      if (!(await this.ownership.take(row.id))) continue;
      if (records.length === 0) {
        await this.finishWithError(row, new Error('the server stopped while the job was being prepared'));
        continue;
      }
      if (row.search) {
        // The trial loop lived in the server; its results so far are in the log and the row.
        this.kill(row.id, records);
        await this.finishWithError(row, new Error('the server stopped during the hyperparameter search'));
        continue;
      }
      const handles = new Map<string, ProcessHandle>();
      for (const r of records) {
        const dir = this.runtime.layout.taskDir(row.id, r.task);
        const h = this.runtime.executor.adopt(r.pid, r.start_ticks, dir);
        handles.set(r.task, h ?? { pid: r.pid, startTicks: r.start_ticks, exited: this.runtime.executor.endedExit(dir) });
      }
      this.active.set(row.id, handles);
      await this.serviceLog(row, 'server restarted; job adopted').catch(() => undefined);
      if (row.terminate_requested) this.kill(row.id, records);
      const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
      this.sampleTasks(row, handles);
      this.track(
        this.waitTasks(row, handles)
          .then((exits) => this.finish(row.id, exits, { outputs: outputDirs(this.runtime, row, algorithm) }))
          .catch((err: unknown) => this.finishWithError(row, err)),
      );
    }
  }

  /** Removes a finished job's files. */
  async removeFiles(jobId: string): Promise<void> {
    await rm(this.runtime.layout.jobDir(jobId), { recursive: true, force: true });
  }

  /** Records nothing more; running processes continue and are adopted by the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.ownership.close();
    // Its processes go on: another replica may adopt them at once.
    await Promise.all([...this.active.keys()].map((id) => this.ownership.release(id)));
    this.closing.catch(() => undefined);
    this.stopWaiting(new Error('the server is stopping'));
    this.runtime.executor.close();
    await Promise.allSettled([...this.chains]);
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function exitMessage(e: ProcessExit): string {
  if (e.overMemory) return `exceeded its memory limit of ${e.overMemory.limitMb} MB and was killed`;
  if (e.code === 0) return '';
  if (e.signal) return `killed by ${e.signal}`;
  return e.code === null ? 'the process ended without an exit status' : `exited with code ${e.code}`;
}

/** A service-log line of what a task's limits saw, or undefined. */
function usageLine(task: string, e: ProcessExit): string | undefined {
  const parts: string[] = [];
  if (e.overMemory) parts.push(`exceeded its memory limit of ${e.overMemory.limitMb} MB and was killed`);
  if (e.usage?.peakMemoryMb !== undefined) parts.push(`peak memory ${e.usage.peakMemoryMb} MB`);
  if (e.usage?.throttledSeconds !== undefined) parts.push(`held back by its CPU quota for ${e.usage.throttledSeconds} s`);
  return parts.length > 0 ? `${task}: ${parts.join('; ')}` : undefined;
}
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
