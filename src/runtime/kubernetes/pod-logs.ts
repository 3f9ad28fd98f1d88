// A running training job's task log, read live from its pod through the API (the kubelet serves it): the staging init
// container's log, then the worker's, after what Atelier wrote itself (the service lines kept on this host). A log
// the cluster cannot give (no kubelet answers, the pod is gone, the container has not started) is said in one line
// instead, so a preview never fails for it.
import type { V1Pod } from '@kubernetes/client-node';
import { isApiException } from './k8s.ts';
import { COMPLETION_INDEX_ANNOTATION } from './training-job-manifest.ts';

/** Reads the end of one container's log (at most `limitBytes`); throws as the API client does. */
export type PodLogReader = (pod: string, container: string, limitBytes: number) => Promise<string>;

/** The newest pod of a task (its completion index), if one was made. */
export function podOfTask(pods: readonly V1Pod[], index: number): V1Pod | undefined {
  const time = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return pods.filter((p) => p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] === String(index)).sort((a, b) => time(b) - time(a))[0];
}

/** The message of a Kubernetes Status body, when it is one. */
function statusMessage(body: unknown): string {
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return typeof body === 'string' ? body.slice(0, 200) : '';
  }
}

/** Why a log read failed, in words: the API's status message when there is one. */
export function podLogFailure(err: unknown): string {
  if (isApiException(err)) {
    const message = statusMessage(err.body);
    return `HTTP ${err.code}${message ? ` ${message}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The live log of one task: each container's log (in order) from the task's newest pod, each cut to the last
 * `limitBytes`; a container whose log cannot be read gives a line saying why, prefixed with `notePrefix`.
 */
export async function readTaskPodLog(
  pods: readonly V1Pod[],
  index: number,
  containers: readonly string[],
  read: PodLogReader,
  limitBytes: number,
  notePrefix: string,
): Promise<string> {
  const pod = podOfTask(pods, index)?.metadata?.name;
  if (!pod) return `${notePrefix} no pod of this task exists yet: its log starts once the pod runs\n`;
  const parts = await Promise.all(
    containers.map(async (container) => {
      try {
        const text = await read(pod, container, limitBytes);
        return text === '' || text.endsWith('\n') ? text : `${text}\n`;
      } catch (err) {
        return `${notePrefix} the live log of ${container} in pod ${pod} cannot be read from the cluster: ${podLogFailure(err)}\n`;
      }
    }),
  );
  return parts.join('');
}

/** One read of a container's log with the API's selection options. */
export type PodLogQuery = (select: { tailLines?: number; limitBytes: number }) => Promise<string>;

/** Reads of a log longer than it is asked for, narrowing its tail, before the best one is kept. */
const TAIL_TRIES = 8;

/**
 * The last `maxBytes` of a container's log, from a line start. The API's limitBytes keeps the start of what it
 * selects, so a log longer than `maxBytes` is read again as its last tailLines lines, a count narrowed until that
 * tail fits in twice `maxBytes`, and cut here.
 */
export async function readLogEnd(query: PodLogQuery, maxBytes: number): Promise<string> {
  const whole = await query({ limitBytes: maxBytes + 1 });
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  const limitBytes = 2 * maxBytes;
  let lines = Math.max(1, Math.ceil(maxBytes / 100));
  let fits = 0; // the most lines known to fit in limitBytes
  let over = Infinity; // the fewest lines known not to
  let best = '';
  let last = whole;
  for (let i = 0; i < TAIL_TRIES; i++) {
    const text = await query({ tailLines: lines, limitBytes });
    last = text;
    const size = Buffer.byteLength(text);
    if (size >= limitBytes) over = lines;
    else {
      best = text;
      fits = lines;
      if (size >= maxBytes) break;
    }
    const next = over === Infinity ? lines * 4 : Math.floor((fits + over) / 2);
    if (next === lines || next <= fits || next >= over) break;
    lines = next;
  }
  // Even one line overflows: its start is all the API gives.
  return tailText(best || last, maxBytes);
}

/** The last `maxBytes` of `text`, cut forward to a line start (never inside a character). */
export function tailText(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  const cut = buf.subarray(buf.length - maxBytes).toString('utf8');
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut.replace(/^\uFFFD+/, '');
}
