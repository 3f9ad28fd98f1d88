// Running a template's operators over a list of files: what a version does wherever it runs (in the server on the
// local executor, in a Job's pod on the kubernetes executor). Where the files come from and where each result goes
// is the caller's: this only picks the runner and hands the files to it.
import { runAnalyse } from './operators/analyse.ts';
import { runAugmentation } from './operators/augmentation.ts';
import { runCleaning } from './operators/cleaning.ts';
import type { InputFile, OperatorContext } from './operators/context.ts';
import { parseOperators, type ParsedOperator } from './operators/params.ts';
import { runSelection } from './operators/selection.ts';
import { runValidation } from './operators/validation.ts';
import type { TemplateId } from './schemas.ts';

type Runner = (files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext) => Promise<unknown>;

/** The operators that need every file before they start (comparisons, histograms); validation takes them as listed. */
const RUNNERS: Record<Exclude<TemplateId, 'sys_data_validation'>, Runner> = {
  sys_data_cleaning: runCleaning,
  sys_data_selection: runSelection,
  sys_data_augmentation: runAugmentation,
  sys_data_analyse: runAnalyse,
};

/** A version's template as stored with it (the request's TemplateParam, its id fixed). */
export interface StoredTemplate {
  id: TemplateId;
  operator_params?: { id?: string; name?: string; params?: Record<string, string | number | boolean | (string | number)[]> }[];
}

/** The files a run reads: all at once, or page by page for validation, which starts on the first page. */
export interface RunFiles {
  all(): Promise<InputFile[]>;
  pages(): AsyncIterable<InputFile[]>;
}

/** A list already known, as RunFiles: pages of `pageSize`. */
export function listedFiles(files: readonly InputFile[], pageSize: number): RunFiles {
  return {
    all: () => Promise.resolve([...files]),
    pages: async function* () {
      for (let at = 0; at < files.length; at += pageSize) yield files.slice(at, at + pageSize);
    },
  };
}

/** Runs the template's operators over the files, each result through ctx.record; the template's summary (analyse's histograms). */
export async function runOperators(template: StoredTemplate, files: RunFiles, ctx: OperatorContext): Promise<unknown> {
  const ops = parseOperators(template.id, template.operator_params ?? [], 'template.operator_params');
  if (template.id === 'sys_data_validation') return runValidation(files.pages(), ops, ctx);
  return RUNNERS[template.id](await files.all(), ops, ctx);
}
