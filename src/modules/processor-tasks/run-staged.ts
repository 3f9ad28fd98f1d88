// The run of a version inside a pod (`atelier process run DIR`): no database and no network. The operators read the
// staged input files through a filesystem object store over DIR/files and write the output beside them; each result
// becomes a line of DIR/results/results.jsonl and the template's summary DIR/results/summary.json. stage.py uploads
// the output folder and the results once this has exited 0.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { FsObjectStore } from '#src/storage/fs-store.ts';
import type { FileResult, InputFile } from './operators/context.ts';
import { listedFiles, runOperators } from './run-operators.ts';
import { FILES_DIR, JOB_FILE, RESULTS_DIR, RESULTS_FILE, SUMMARY_FILE, type StagedJob, type StagedResult } from './staged-files.ts';

const fileKey = (f: InputFile): string => `${f.bucket}\0${f.key}`;

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/** Runs the job staged in `dir`; how many files it read and how many results it wrote. */
export async function runStagedJob(dir: string, signal: AbortSignal): Promise<{ files: number; results: number }> {
  const job = JSON.parse(await readFile(join(dir, JOB_FILE), 'utf8')) as StagedJob;
  const objects = new FsObjectStore(join(dir, FILES_DIR));
  if (job.output.bucket !== '') await objects.ensureBucket(job.output.bucket);
  const byObject = new Map<InputFile, number>(job.files.map((f, i) => [f, i]));
  const byKey = new Map<string, number>(job.files.map((f, i) => [fileKey(f), i]));
  await mkdir(join(dir, RESULTS_DIR), { recursive: true });
  const out = createWriteStream(join(dir, RESULTS_DIR, RESULTS_FILE));
  let results = 0;
  try {
    const summary = await runOperators(job.template, listedFiles(job.files, job.pageSize), {
      objects,
      output: job.output,
      signal,
      concurrency: job.concurrency,
      record: async (r: FileResult) => {
        const file = byObject.get(r.origin) ?? byKey.get(fileKey(r.origin));
        if (file === undefined) throw new Error(`a result for ${r.origin.bucket}/${r.origin.key}, which is not an input of the job`);
        const line: StagedResult = {
          file,
          property: r.property,
          description: r.description,
          ...(r.newKey !== undefined ? { newKey: r.newKey } : {}),
          ...(r.labels !== undefined ? { labels: r.labels } : {}),
        };
        results++;
        await writeLine(out, JSON.stringify(line));
      },
    });
    out.end();
    await once(out, 'close');
    await writeFile(join(dir, RESULTS_DIR, SUMMARY_FILE), JSON.stringify({ summary: summary ?? null }));
    return { files: job.files.length, results };
  } finally {
    out.destroy();
    await objects.close();
  }
}
