// The sync sidecar's reports (pod-sync.ts), one line each on its standard output, which Atelier reads through pods/log.
// Atelier reads only the end of that log (kube-mounts.ts), so the sidecar says every mount's current state again
// whenever REPRINT_BYTES of lines have passed since it last did: however many lines a burst of failed uploads writes,
// the last SYNC_LOG_BYTES of the log hold each mount's status.
import type { MountStatus } from './tables.ts';

/** The prefix of the sidecar's report lines; the rest of the line is a PodReport as JSON. */
export const REPORT_PREFIX = 'ATELIER_MOUNT ';

/** What the sidecar reports of one mount: a status it reached, or (no status) a file it could not write to OBS. */
export interface PodReport {
  id: string;
  status?: Extract<MountStatus, 'MOUNTED' | 'MOUNT_FAILED' | 'UNMOUNTED' | 'UNMOUNT_FAILED'>;
  reason: string;
}

/** The longest reason a line carries, in characters (the table keeps 1000). */
const MAX_REASON = 1000;
/** The longest line, in bytes: a reason of escaped characters is cut further. */
const MAX_LINE = 2048;
/** Bytes of report lines after which every mount's state is said again. */
export const REPRINT_BYTES = 16 * 1024;
/**
 * How much of the end of the log Atelier reads. It holds the last full re-print: at most REPRINT_BYTES and a line
 * after its start, plus the re-print itself (a line of at most MAX_LINE bytes for each mount listed or held).
 */
export const SYNC_LOG_BYTES = 64 * 1024;

/** Each mount's last status in a sidecar's log, with the reason of the last line about it (lines not reports are skipped). */
export function parseReports(log: string): Map<string, { status: PodReport['status'] | undefined; reason: string }> {
  const out = new Map<string, { status: PodReport['status'] | undefined; reason: string }>();
  for (const line of log.split('\n')) {
    if (!line.startsWith(REPORT_PREFIX)) continue;
    let r: Partial<PodReport>;
    try {
      r = JSON.parse(line.slice(REPORT_PREFIX.length)) as Partial<PodReport>;
    } catch {
      continue;
    }
    if (typeof r.id !== 'string') continue;
    out.set(r.id, { status: r.status ?? out.get(r.id)?.status, reason: typeof r.reason === 'string' ? r.reason : '' });
  }
  return out;
}

/** Writes the report lines, and every known mount's state again after each REPRINT_BYTES of them. */
export class ReportLog {
  private readonly last = new Map<string, Required<PodReport>>();
  private since = 0;

  constructor(private readonly write: (line: string) => void) {}

  say(r: PodReport): void {
    const reason = r.reason.length > MAX_REASON ? `${r.reason.slice(0, MAX_REASON - 1)}…` : r.reason;
    const status = r.status ?? this.last.get(r.id)?.status;
    if (status) this.last.set(r.id, { id: r.id, status, reason });
    this.line({ ...r, reason });
    if (this.since >= REPRINT_BYTES) this.reprint();
  }

  /** Says every known mount's state again. */
  reprint(): void {
    this.since = 0;
    for (const r of this.last.values()) this.line(r);
    this.since = 0;
  }

  /** Forgets the mounts no longer held nor listed, so a re-print stays as short as the list. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of [...this.last.keys()]) if (!ids.has(id)) this.last.delete(id);
  }

  private line(r: PodReport): void {
    let text = `${REPORT_PREFIX}${JSON.stringify(r)}\n`;
    for (let cut = r.reason.length; Buffer.byteLength(text) > MAX_LINE && cut > 0;) {
      cut = Math.floor(cut / 2);
      text = `${REPORT_PREFIX}${JSON.stringify({ ...r, reason: `${r.reason.slice(0, cut)}…` })}\n`;
    }
    this.since += Buffer.byteLength(text);
    this.write(text);
  }
}
