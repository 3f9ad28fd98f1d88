// Runs waiting for their task Job's end (a batch run, a pre-labeling run, a processing version, a learner): one promise per run,
// settled by what the informer watch reports of the Job (completed, failed with its pod's reason and log tail, or
// deleted from the cluster) or by the run itself (a stop, a server that stops).
import type { V1Pod } from '@kubernetes/client-node';
import type { MappedStatus } from './job-status.ts';
import { podOfTask } from './pod-logs.ts';
import { taskObjectName } from './task-manifest.ts';
import type { TaskJobClient } from './task-objects.ts';
import type { TrainingJobWatch } from './training-job-watch.ts';

const podTime = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();

interface Waiting {
  /** The Job has been in the watch's cache: from then on its absence means it was deleted. */
  seen: boolean;
  settled: boolean;
  pods: number;
  /** The run's onRunning call, once made. */
  started: Promise<void> | undefined;
  onRunning: (() => Promise<void>) | undefined;
  onStatus: ((status: MappedStatus) => void) | undefined;
  onEnd: (() => void) | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface JobWait {
  /** Resolves when the Job completed; rejects with why it failed or was deleted, or with what settled it early. */
  ended: Promise<void>;
  /** The run's onRunning call, made now when the watch never saw the Job run (its pods ended first). */
  ranOnce(): Promise<void>;
}

export interface WaitOptions {
  /** The Job's pods (completions of an indexed Job); 1 by default. */
  pods?: number;
  /** Called once, when the Job's pods run. */
  onRunning?: () => Promise<void>;
  /** Told every status the watch reports of the Job while the run waits. */
  onStatus?: (status: MappedStatus) => void;
  /** Called once the watch saw the Job end (completed or failed), after the run settled; not when the run settled it itself. */
  onEnd?: () => void;
}

export class JobWaiter {
  private readonly waiting = new Map<string, Waiting>();
  readonly watch: TrainingJobWatch;
  private watching: Promise<void> | undefined;

  /** `what` names the work in failure messages ("batch", "processing"); `container` is the one whose log tells why. */
  constructor(
    watch: (onStatus: (id: string, status: MappedStatus) => void) => TrainingJobWatch,
    private readonly client: Pick<TaskJobClient, 'podLog'>,
    private readonly what: string,
    private readonly container: string,
    private readonly onRunningError: (id: string, err: unknown) => void = () => undefined,
  ) {
    this.watch = watch((id, status) => this.onStatus(id, status));
  }

  /** Starts the watch (once); resolves when its caches are listed. */
  start(): Promise<void> {
    this.watching ??= this.watch.start();
    return this.watching;
  }

  async close(): Promise<void> {
    if (this.watching) await this.watch.stop().catch(() => undefined);
  }

  /** Begins waiting for the Job of `id`; call `follow` once the Job is made. */
  wait(id: string, opts: WaitOptions = {}): JobWait {
    let w: Waiting | undefined;
    const ended = new Promise<void>((resolve, reject) => {
      w = {
        seen: false,
        settled: false,
        pods: opts.pods ?? 1,
        started: undefined,
        onRunning: opts.onRunning,
        onStatus: opts.onStatus,
        onEnd: opts.onEnd,
        resolve,
        reject,
      };
      this.waiting.set(id, w);
    });
    const waiting = w!;
    return { ended, ranOnce: () => (waiting.started ??= waiting.onRunning?.() ?? Promise.resolve()) };
  }

  /** Has the watch report the Job's status, unless the run was settled meanwhile (a stop while the Job was made). */
  follow(id: string): void {
    const w = this.waiting.get(id);
    if (w && !w.settled) this.watch.follow(id, w.pods);
  }

  has(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Ends the run's wait (rejected with `err` when given); false when it had ended already. */
  settle(id: string, err?: Error): boolean {
    const w = this.waiting.get(id);
    if (!w || w.settled) return false;
    w.settled = true;
    this.waiting.delete(id);
    this.watch.unfollow(id);
    if (err) w.reject(err);
    else w.resolve();
    return true;
  }

  /** Fails the run saying why, with the last lines of `container`'s log in the pod concerned (of completion `index`). */
  fail(id: string, why: string, container = this.container, index?: number): void {
    const onEnd = this.waiting.get(id)?.onEnd;
    void this.logTail(id, container, index).then((tail) => {
      if (this.settle(id, new Error(`${why}${tail ? `: ${tail}` : ''}`))) onEnd?.();
    });
  }

  /** The Job's pods in the watch's cache. */
  podsOf(id: string): V1Pod[] {
    return this.watch.podsOf(id);
  }

  private onStatus(id: string, status: MappedStatus): void {
    const w = this.waiting.get(id);
    if (!w || w.settled) return;
    if (this.watch.hasJob(id)) w.seen = true;
    else if (w.seen) {
      this.settle(id, new Error(`the ${this.what} Job ${taskObjectName(id)} was deleted from the cluster`));
      return;
    }
    w.onStatus?.(status);
    if (w.started === undefined && w.onRunning && status.phase === 'Running') w.started = w.onRunning().catch((err: unknown) => this.onRunningError(id, err));
    if (status.phase === 'Completed') {
      if (this.settle(id)) w.onEnd?.();
    } else if (status.phase === 'Failed') {
      const failed = status.tasks.findIndex((t) => t.message !== '' && t.message === status.reason);
      const which = w.pods > 1 && failed >= 0 ? ` ${status.tasks[failed]!.task}` : '';
      this.fail(id, `the ${this.what} pod${which} failed: ${status.reason ?? 'its Job failed'}`, this.container, failed >= 0 ? failed : undefined);
    }
  }

  /** The Job's newest pod in the watch's cache. */
  newestPod(id: string): V1Pod | undefined {
    return this.watch.podsOf(id).sort((a, b) => podTime(b) - podTime(a))[0];
  }

  /** The last lines of a container's log, where the cluster serves it: the pod of `index`, else the newest pod. */
  private async logTail(id: string, container: string, index: number | undefined): Promise<string> {
    const ofIndex = index === undefined ? undefined : podOfTask(this.watch.podsOf(id), index);
    const pod = (ofIndex ?? this.newestPod(id))?.metadata?.name;
    if (!pod) return '';
    try {
      const text = await this.client.podLog(pod, container, 4096);
      return text.split('\n').filter(Boolean).slice(-3).join(' | ');
    } catch {
      return '';
    }
  }
}
