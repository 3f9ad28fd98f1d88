// What the datasets family needs of the samples family (the wiring passes the samples family's
// service). Datasets create samples when they scan their input, edit labels, show label and sample
// counts and the first samples, and freeze samples into versions; the samples family owns every
// sample and label table.
import type { Db } from '#src/db/database.ts';
import type { NewSample, SnapshotSample } from '#src/formats/index.ts';
import type { DatasetRecord } from './dataset-directory.ts';
import type { Label } from './schemas.ts';

/** A label of the dataset (the spec's Label object). */
export interface LabelDefinition {
  name: string;
  type: number;
  property?: Record<string, unknown>;
  attributes?: Record<string, unknown>[];
}

export interface SampleCounts {
  total: number;
  /** Samples with at least one final (manual) label. */
  annotated: number;
  /** Samples with auto-labeling results to confirm. */
  unconfirmed: number;
}

export interface VersionSnapshot {
  total: number;
  annotated: number;
  /** Per label: name, type, property, count of annotations and of samples carrying it. */
  labelStats: { name: string; type: number; property: Record<string, unknown>; count: number; sample_count: number }[];
  /** "multi" when some sample has more than one label, else "single". */
  labelType: 'multi' | 'single';
}

export interface ImportOptions {
  /**
   * A sample whose labels or metadata cannot be imported: with this, the sample is imported without
   * them and reported here (source, reason); without it, the whole batch is refused.
   */
  onRejected?: (source: string, reason: string) => void;
  /** How many of the samples added carry labels. */
  onAnnotated?: (count: number) => void;
  /** false: the labels come in awaiting confirmation (state auto, as auto labeling leaves them), not final. Default true. */
  final?: boolean;
  /**
   * Label the samples the dataset already holds under the same source instead of adding samples. A
   * source the dataset does not hold, one without labels, or (with final false) one labeled by hand is
   * passed over and reported through onSkipped.
   */
  labelExisting?: boolean;
  onSkipped?: (source: string, reason: string) => void;
  /** Runs inside the batch's transaction once its samples are written: what it writes commits with them, or not at all. */
  alsoWrite?: (db: Db, outcome: ImportOutcome) => Promise<void>;
}

/** What one batch of an import did. */
export interface ImportOutcome {
  /** Samples added. */
  added: number;
  /** Samples (added or already there) that now carry final labels from the batch. */
  annotated: number;
  /** Samples (added or already there) that now carry labels awaiting confirmation from the batch. */
  unconfirmed: number;
}

export interface FreezeOptions {
  keepUsage?: boolean;
}

/** A sample of a dataset as the dataset list's preview shows it. */
export interface PreviewSample {
  sample_id: string;
  sample_name: string;
  sample_size: number;
  sample_time: number;
  /** A URL the client can fetch the file from. */
  source: string;
  metadata: Record<string, unknown>;
}

export interface DatasetSamplesPort {
  /** Adds labels to the dataset's label list; existing names are left as they are. */
  addLabels(dataset: DatasetRecord, labels: LabelDefinition[]): Promise<void>;
  /** Changes the property/attributes of labels found by name (a property "@modelarts:rename_to" renames). */
  updateLabels(dataset: DatasetRecord, labels: readonly Label[]): Promise<void>;
  /** Deletes labels by name; they leave every sample (the samples stay). */
  deleteLabels(dataset: DatasetRecord, labels: readonly Label[]): Promise<void>;
  listLabels(datasetId: string): Promise<LabelDefinition[]>;
  /**
   * Adds samples found by a scan or import, in one transaction; a source already in the dataset is
   * skipped; labels not yet defined are created. Returns how many were added.
   */
  importSamples(dataset: DatasetRecord, samples: NewSample[], options?: ImportOptions): Promise<number>;
  counts(datasetId: string): Promise<SampleCounts>;
  /**
   * Freezes the dataset's current samples and labels under versionId: an immutable copy that later
   * label changes do not touch. Labeled samples get usage TRAIN or EVAL by trainRatio (0..1).
   * options.keepUsage (the request's remove_sample_usage = false): a sample's own usage is kept and
   * only samples without one are split; otherwise (the default) every labeled sample is split anew.
   */
  freezeVersion(datasetId: string, versionId: string, trainRatio: number, options?: FreezeOptions): Promise<VersionSnapshot>;
  /** The frozen samples of a version, in a stable order, read in pages (never all in memory). */
  streamVersion(versionId: string): AsyncIterable<SnapshotSample>;
  dropVersion(versionId: string): Promise<void>;
  /** The newest samples first, their sources as URLs for `origin` (the address the client used). */
  listSamples(projectId: string, datasetId: string, page: { limit: number; offset: number }, origin: string): Promise<{ samples: PreviewSample[] }>;
}
