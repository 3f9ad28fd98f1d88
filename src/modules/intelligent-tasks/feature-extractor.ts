// Runs feature extraction in a process of its own (feature-process.ts through tsx), so decoding
// many images neither blocks the server's event loop nor grows its memory. The object store's
// settings (which may hold S3 keys) go on stdin, never on the command line or on disk.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ObjectStoreConfig } from '#src/storage/config.ts';
import type { FeatureOptions } from './features.ts';

const ENTRY = fileURLToPath(new URL('./feature-process.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export class FeatureExtractor {
  constructor(private readonly objectStore: ObjectStoreConfig) {}

  /** The vectors of `sources`, in order; `onProgress` hears how many are done. Rejects when the signal aborts. */
  extract(sources: readonly string[], options: FeatureOptions, signal: AbortSignal, onProgress: (done: number) => void): Promise<number[][]> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX, ENTRY], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      const out: Buffer[] = [];
      let errors = '';
      const kill = () => child.kill('SIGKILL');
      signal.addEventListener('abort', kill, { once: true });
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => {
        const text = c.toString('utf8');
        for (const m of text.matchAll(/^progress (\d+)$/gm)) onProgress(Number(m[1]));
        errors = (errors + text.replace(/^progress \d+\n/gm, '')).slice(-2000);
      });
      child.on('error', reject);
      child.on('close', (code, sig) => {
        signal.removeEventListener('abort', kill);
        if (signal.aborted) return reject(signal.reason as Error);
        if (code !== 0) return reject(new Error(`feature extraction failed (${sig ?? `exit ${code}`}): ${errors.trim().split('\n').slice(-3).join(' | ')}`));
        try {
          resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as number[][]);
        } catch (e) {
          reject(e as Error);
        }
      });
      child.stdin.end(JSON.stringify({ objectStore: this.objectStore, sources, options }));
    });
  }
}
