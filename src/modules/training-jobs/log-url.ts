// Time-limited download links for task logs, signed with a key kept in the data directory.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const LOG_URL_TTL_SECONDS = 3600;
export type Disposition = 'inline' | 'attachment';

export class LogUrlSigner {
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const file = join(dataDir, 'training', 'log-url.key');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    this.key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }

  sign(jobId: string, task: string, expires: number, disposition: Disposition): string {
    return createHmac('sha256', this.key).update(`${jobId}\n${task}\n${expires}\n${disposition}`).digest('base64url');
  }

  /** The path and query of a link valid until nowMs + TTL. */
  link(jobId: string, task: string, nowMs: number, disposition: Disposition): string {
    const expires = Math.floor(nowMs / 1000) + LOG_URL_TTL_SECONDS;
    const q = new URLSearchParams({ expires: String(expires), disposition, signature: this.sign(jobId, task, expires, disposition) });
    return `/atelier/training-logs/${encodeURIComponent(jobId)}/${encodeURIComponent(task)}?${q.toString()}`;
  }

  verify(jobId: string, task: string, expires: number, disposition: Disposition, signature: string, nowMs: number): 'ok' | 'expired' | 'bad' {
    const want = Buffer.from(this.sign(jobId, task, expires, disposition));
    const got = Buffer.from(signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad';
    return expires * 1000 < nowMs ? 'expired' : 'ok';
  }
}
