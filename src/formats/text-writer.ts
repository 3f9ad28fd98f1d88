// Text classification samples written back as the same-line layout the folder import reads: the text,
// the sample separator, then the labels joined by the label separator.
import type { SnapshotSample } from './sample-records.ts';
import { CONTENT_SCHEME } from './sample-paths.ts';
import type { TextLabelLayout } from './label-format.ts';

/**
 * The line of one text sample, or undefined for a sample that is not inline text. An unlabeled text
 * holding the sample separator gets a trailing one, so the import does not take its tail for labels.
 */
export function textSampleLine(s: SnapshotSample, layout: Pick<TextLabelLayout, 'labelSeparator' | 'sampleSeparator'>): string | undefined {
  if (!s.source.startsWith(CONTENT_SCHEME)) return undefined;
  const text = s.source.slice(CONTENT_SCHEME.length).replace(/[\r\n]+/g, ' ');
  const names = [...new Set(s.labels.map((l) => l.name).filter((n) => n !== ''))];
  if (names.length > 0) return `${text}${layout.sampleSeparator}${names.join(layout.labelSeparator)}\n`;
  return text.includes(layout.sampleSeparator) ? `${text}${layout.sampleSeparator}\n` : `${text}\n`;
}
