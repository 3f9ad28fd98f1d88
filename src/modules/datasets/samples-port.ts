// What the datasets family needs of the samples family (implemented by samples/service.ts).
// Datasets create samples when they scan their input, show label and sample counts, and freeze
// samples into versions; the samples family owns every sample and label table.
import type { NewSample, SnapshotSample } from '#src/formats/index.ts';
import type { DatasetRecord } from './dataset-directory.ts';

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
}

export interface FreezeOptions {
  keepUsage?: boolean;
}

export interface DatasetSamplesPort {
  /** Adds labels to the dataset's label list; existing names are left as they are. */
  addLabels(dataset: DatasetRecord, labels: LabelDefinition[]): Promise<void>;
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
}
