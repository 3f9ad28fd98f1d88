// The LabelFormat object of the create-dataset and import APIs (text classification only): how
// labels sit beside their texts.
import { errors } from '#src/core/errors.ts';

/** LabelFormat as the API carries it. */
export interface LabelFormat {
  /** '0': labels in a `<name>_result.txt` file beside `<name>.txt`; '1' (default): in the same line. */
  label_type?: string | number;
  /** Between two labels; ',' by default. */
  text_label_separator?: string;
  /** Between the text and its labels; Tab by default. */
  text_sample_separator?: string;
}

export interface TextLabelLayout {
  /** Labels in a separate `_result` file rather than on the same line. */
  separateFiles: boolean;
  labelSeparator: string;
  sampleSeparator: string;
}

/** The suffix of a label file's stem in the separate-files layout. */
export const RESULT_SUFFIX = '_result';

/** Escaped forms a separator may arrive in ("needs to be escaped"), as the one character meant. */
const ESCAPES: Record<string, string> = { '\\t': '\t', '\\\\': '\\', '\\|': '|', '\\.': '.', '\\^': '^', '\\$': '$', '\\?': '?', '\\*': '*' };

function separator(raw: string | undefined, fallback: string, field: string): string {
  if (raw === undefined || raw === '') return fallback;
  const s = ESCAPES[raw] ?? raw;
  if ([...s].length !== 1 || s === '\n' || s === '\r') {
    throw errors.badParam(`label_format.${field}: must be a single character, got "${raw}"`);
  }
  return s;
}

/** The layout a LabelFormat describes, with the defaults; a 400 (ModelArts.0104) naming the field for nonsense. */
export function textLabelLayout(format: LabelFormat | undefined): TextLabelLayout {
  const type = format?.label_type === undefined || format.label_type === '' ? '1' : String(format.label_type);
  if (type !== '0' && type !== '1') throw errors.badParam(`label_format.label_type: must be "0" or "1", got "${type}"`);
  const layout: TextLabelLayout = {
    separateFiles: type === '0',
    labelSeparator: separator(format?.text_label_separator, ',', 'text_label_separator'),
    sampleSeparator: separator(format?.text_sample_separator, '\t', 'text_sample_separator'),
  };
  if (!layout.separateFiles && layout.labelSeparator === layout.sampleSeparator) {
    throw errors.badParam('label_format.text_label_separator: must differ from text_sample_separator');
  }
  return layout;
}

/** Label names from a label list ("a,b"), trimmed, without empties or repeats. */
export function splitLabels(s: string, sep: string): string[] {
  const names = s
    .split(sep)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return [...new Set(names)];
}

/**
 * A same-line text sample: the text before the last sample separator, the labels after it. A line
 * without the separator is all text.
 */
export function splitTextLine(line: string, layout: TextLabelLayout): { text: string; labels: string[] } {
  const i = line.lastIndexOf(layout.sampleSeparator);
  if (i < 0) return { text: line, labels: [] };
  return { text: line.slice(0, i), labels: splitLabels(line.slice(i + layout.sampleSeparator.length), layout.labelSeparator) };
}
