// Why a job waits in Pending/Queuing, in words: the resource that falls short, how much of it is
// free, and who holds the pool. Workloads of the job's own project are named; everything else (other
// projects' jobs and services, anything that did not say who it is) is only "other workloads".
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { Holding, LocalPool, Shortage } from '#src/runtime/local/local-pool.ts';

/** Named holders listed at most; the rest of the project's are summed up. */
const MAX_NAMED = 10;

const num = (n: number) => String(Math.round(n * 100) / 100);
const cores = (n: number) => `${num(n)} CPU core${n === 1 ? '' : 's'}`;
const amount = (a: PoolAmount) => `${cores(a.cpu)}, ${Math.round(a.memoryMb)} MB`;
const sum = (hs: Holding[]): PoolAmount =>
  hs.reduce((t, h) => ({ cpu: t.cpu + h.amount.cpu, memoryMb: t.memoryMb + h.amount.memoryMb }), { cpu: 0, memoryMb: 0 });

interface QueuedJob {
  id: string;
  name: string;
  project_id: string;
}

/** Who holds the pool, as the job's project may see it. */
export function holdersText(projectId: string, holdings: Holding[]): string {
  if (holdings.length === 0) return 'nothing else holds the pool';
  const own = holdings.filter((h) => h.holder?.projectId === projectId);
  const others = holdings.filter((h) => h.holder?.projectId !== projectId);
  const parts = own.slice(0, MAX_NAMED).map((h) => `${h.holder!.kind} "${h.holder!.name}" (${h.holder!.id}): ${amount(h.amount)}`);
  const rest = own.slice(MAX_NAMED);
  if (rest.length > 0) parts.push(`${rest.length} more of this project: ${amount(sum(rest))}`);
  if (others.length > 0) parts.push(`other workloads: ${amount(sum(others))}`);
  return `held by ${parts.join('; ')}`;
}

/** The job does not fit in the pool now; `where` names the pool (the local pool when left out). */
export function queueReason(
  job: QueuedJob,
  pool: Pick<LocalPool, 'capacity' | 'schedulable' | 'cpuOvercommit'>,
  shortage: Shortage | undefined,
  where?: string,
): string {
  if (!shortage) return `Queuing: waiting for its turn in ${where ?? 'the local pool'}`;
  const wanted: string[] = [];
  const detail: string[] = [];
  if (shortage.cpu) {
    wanted.push('CPU');
    const overcommit = pool.cpuOvercommit > 1 ? ` (${cores(pool.capacity.cpu)} over-committed ${num(pool.cpuOvercommit)} times)` : '';
    detail.push(`it needs ${cores(shortage.cpu.need)}, ${num(shortage.cpu.free)} of the pool's ${num(pool.schedulable.cpu)} are free${overcommit}`);
  }
  if (shortage.memoryMb) {
    wanted.push('memory');
    detail.push(
      `it needs ${Math.round(shortage.memoryMb.need)} MB of memory, ${Math.round(shortage.memoryMb.free)} of the pool's ${Math.round(pool.schedulable.memoryMb)} MB are free`,
    );
  }
  return `Queuing for ${wanted.join(' and ')}${where ? ` in ${where}` : ''}: ${detail.join('; ')}; ${holdersText(job.project_id, shortage.holdings)}`;
}

/** The job would fit, but an earlier job waits first (first come, first served). */
export function behindReason(job: QueuedJob, first: QueuedJob, where?: string): string {
  const pool = where ?? 'the pool';
  if (first.project_id === job.project_id)
    return `Queuing behind training job "${first.name}" (${first.id}), which was queued earlier and waits for ${pool} first (first come, first served)`;
  return `Queuing behind other workloads queued earlier in ${pool} (first come, first served)`;
}
