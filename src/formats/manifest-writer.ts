// A manifest streamed as blocks of whole lines: one JSON line per sample, encoded straight into
// fixed-size buffers so a million samples never become one string or a million small buffers.
import type { SnapshotSample } from './sample-records.ts';
import { snapshotToManifestLine, type SnapshotLineOptions } from './manifest.ts';
import type { ManifestSample } from './manifest-model.ts';

const BLOCK_BYTES = 256 * 1024;

export interface ManifestBlockOptions extends SnapshotLineOptions {
  /** Leave hard example marks out (the export's clear_hard_property). */
  clearHard?: boolean;
  /** Called after each sample is encoded. */
  onSample?: () => void;
  signal?: AbortSignal;
}

function withoutHard(m: ManifestSample): ManifestSample {
  const { hard: _h, 'hard-coefficient': _c, ...rest } = m;
  if (rest.annotation) rest.annotation = rest.annotation.map(({ hard: _ah, 'hard-coefficient': _ac, ...a }) => a);
  return rest;
}

/** The manifest lines of `samples` (labels inline), as UTF-8 blocks of whole lines. */
export async function* manifestLineBlocks(samples: AsyncIterable<SnapshotSample>, opts: ManifestBlockOptions = {}): AsyncGenerator<Buffer> {
  const lineOpts: SnapshotLineOptions = opts.sourceScheme ? { sourceScheme: opts.sourceScheme } : {};
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  let n = 0;
  for await (const s of samples) {
    if (++n % 1000 === 0) opts.signal?.throwIfAborted();
    const line = snapshotToManifestLine(s, lineOpts);
    const text = `${JSON.stringify(opts.clearHard ? withoutHard(line) : line)}\n`;
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (used + text.length * 3 > block.length) {
      if (used > 0) yield block.subarray(0, used);
      block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, text.length * 3));
      used = 0;
    }
    used += block.write(text, used);
    opts.onSample?.();
  }
  if (used > 0) yield block.subarray(0, used);
}
