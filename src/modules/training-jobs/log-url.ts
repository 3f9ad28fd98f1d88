// Time-limited download links for task logs, signed with a key derived from the installation's master key, so a link
// one replica issued downloads through any other.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const LOG_URL_TTL_SECONDS = 3600;
export type Disposition = 'inline' | 'attachment';

export class LogUrlSigner {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'atelier/training-logs/v1', 32));
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
