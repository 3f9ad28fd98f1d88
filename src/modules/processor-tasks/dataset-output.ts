import { MAX_VOC_BYTES, parseVoc, vocToSampleParts, type NewSample, type SampleLabel } from '#src/formats/index.ts';
import type { ObjectStore } from '#src/storage/index.ts';
import { formatObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { ProcessorDatasets, ProcessorSamples } from './inputs.ts';
import { baseName, type InputFile } from './operators/context.ts';

// A run whose work path is a dataset: the files it kept or created become samples of that dataset,
// with their labels, and the dataset publishes a new version of them through its own publishing.
// The dataset changes only once the run has succeeded, and a publish that is refused takes the
// added samples out again, so a failed run leaves the dataset as it was.

/** What the family needs of dataset versions: CreateDatasetVersion's publishing (it reads only the caller's project). */
export interface ProcessorVersions {
  create(caller: { projectId: string }, datasetId: string, req: { version_name?: string; description?: string }): Promise<{ version_id: string }>;
}

export interface DatasetOutputPorts {
  objects: ObjectStore;
  datasets: ProcessorDatasets;
  samples: ProcessorSamples;
  versions: ProcessorVersions;
}

/** A file of the run's result that goes into the dataset: where it is, the input it came from, its labels when they changed. */
export interface OutputFile {
  path: ObjectPath;
  origin: InputFile;
  labels?: SampleLabel[];
}

/** Files looked up in the store at once. */
const STAT_BATCH = 1000;
/** The normal status of a dataset (the only one that can publish). */
const NORMAL = 1;

const folderOf = (source: string): string => source.slice(0, source.lastIndexOf('/') + 1);

async function labelsOf(objects: ObjectStore, f: OutputFile): Promise<Pick<NewSample, 'labels' | 'metadata'>> {
  if (f.labels !== undefined) return f.labels.length > 0 ? { labels: f.labels } : {};
  if (f.origin.labels !== undefined) {
    return { ...(f.origin.labels.length > 0 ? { labels: f.origin.labels } : {}), ...(f.origin.metadata ? { metadata: f.origin.metadata } : {}) };
  }
  if (f.origin.annotationKey === undefined) return {};
  const parts = vocToSampleParts(parseVoc(await objects.readText(f.origin.bucket, f.origin.annotationKey, MAX_VOC_BYTES), f.origin.annotationKey), 1);
  return { ...(parts.labels.length > 0 ? { labels: parts.labels } : {}), metadata: parts.metadata };
}

/** The sources among `sources` that are samples of the dataset, found folder by folder. */
async function present(samples: ProcessorSamples, datasetId: string, sources: ReadonlySet<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const folder of new Set([...sources].map(folderOf))) {
    for await (const page of samples.sourcesUnder(datasetId, folder)) {
      for (const s of page) if (sources.has(s.source)) found.set(s.source, s.id);
    }
  }
  return found;
}

async function newSamples(objects: ObjectStore, files: readonly OutputFile[]): Promise<NewSample[]> {
  const out: NewSample[] = [];
  for (let i = 0; i < files.length; i += STAT_BATCH) {
    const part = files.slice(i, i + STAT_BATCH);
    const byBucket = new Map<string, OutputFile[]>();
    for (const f of part) byBucket.set(f.path.bucket, [...(byBucket.get(f.path.bucket) ?? []), f]);
    for (const [bucket, list] of byBucket) {
      const stats = await objects.statMany(
        bucket,
        list.map((f) => f.path.key),
      );
      for (const [j, f] of list.entries()) {
        const stat = stats[j];
        if (!stat) continue;
        out.push({
          source: formatObsPath(f.path),
          name: baseName(f.path.key),
          size: stat.size,
          sampleTime: stat.lastModified.getTime(),
          ...(await labelsOf(objects, f)),
        });
      }
    }
  }
  return out;
}

/**
 * Adds the run's files to the dataset and publishes a version of it; the new version's ID. Throws
 * (with the dataset as it was) when the dataset cannot take them or cannot publish.
 */
export async function publishToDataset(
  ports: DatasetOutputPorts,
  projectId: string,
  target: { datasetId: string; versionName?: string; description: string },
  files: readonly OutputFile[],
): Promise<{ versionId: string; dataset: DatasetRecord; added: number; unlabeled: string[] }> {
  const dataset = await ports.datasets.require(projectId, target.datasetId);
  if (dataset.status !== NORMAL) throw new Error(`dataset ${dataset.id} is busy (status ${dataset.status}); no version was published`);
  const samples = await newSamples(ports.objects, files);
  const before = await present(ports.samples, dataset.id, new Set(samples.map((s) => s.source)));
  const fresh = samples.filter((s) => !before.has(s.source));
  // one transaction: the dataset takes the run's files whole or not at all; labels the dataset's type cannot hold are left off
  const unlabeled: string[] = [];
  const added = await ports.samples.importSamples(dataset, fresh, { onRejected: (source, reason) => unlabeled.push(`${source}: ${reason}`) });
  try {
    const req = { description: target.description, ...(target.versionName !== undefined ? { version_name: target.versionName } : {}) };
    const { version_id } = await ports.versions.create({ projectId }, dataset.id, req);
    return { versionId: version_id, dataset, added, unlabeled };
  } catch (e) {
    const mine = await present(ports.samples, dataset.id, new Set(fresh.map((s) => s.source)));
    await ports.samples.removeSamples(dataset, [...mine.values()]);
    throw e;
  }
}
