// An import with import_samples false: the labels it reads go onto the samples the dataset already
// holds under the same source, and nothing is added. Runs inside the import batch's transaction.
import type { NewSample } from '#src/formats/index.ts';
import type { ImportOptions, ImportOutcome } from '#src/modules/datasets/index.ts';
import type { StoredAnnotation } from './sample-model.ts';
import type { SampleTx } from './sample-tx.ts';
import { SampleState } from './tables.ts';

export async function labelExisting(
  tx: SampleTx,
  samples: readonly NewSample[],
  annotationsOf: (s: NewSample) => StoredAnnotation[],
  state: number,
  now: number,
  opts: Pick<ImportOptions, 'onSkipped'>,
): Promise<ImportOutcome> {
  const out: ImportOutcome = { added: 0, annotated: 0, unconfirmed: 0 };
  const rows = new Map((await tx.samplesBySources(samples.map((s) => s.source))).map((r) => [r.source, r]));
  const done = new Set<string>();
  for (const s of samples) {
    const row = rows.get(s.source);
    if (!row) {
      opts.onSkipped?.(s.source, 'not a sample of the dataset: nothing to label');
      continue;
    }
    if (!s.labels || s.labels.length === 0) {
      opts.onSkipped?.(s.source, 'no labels to import');
      continue;
    }
    if (done.has(s.source)) {
      opts.onSkipped?.(s.source, 'labeled by an earlier line of the same import');
      continue;
    }
    // Labels awaiting confirmation never replace labels a person has given.
    if (state === SampleState.auto && Number(row.state) === SampleState.manual) {
      opts.onSkipped?.(s.source, 'already labeled by hand: labels to confirm do not replace final ones');
      continue;
    }
    done.add(s.source);
    const metadata = { ...(JSON.parse(row.metadata) as Record<string, unknown>), ...(s.metadata ?? {}) };
    await tx.changeLabels(row, {
      state,
      annotations: annotationsOf(s),
      metadata,
      usage: s.usage ?? row.usage,
      labeler: state === SampleState.auto ? 'auto' : row.labeler,
      labeledTime: now,
    });
    if (state === SampleState.auto) out.unconfirmed++;
    else out.annotated++;
  }
  return out;
}
