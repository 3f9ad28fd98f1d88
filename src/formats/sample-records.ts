// Samples as the formats read and write them: what a folder scan or a manifest yields, and what a
// frozen version hands to the manifest and export writers. The samples family stores them.

/** A label on one sample (the spec's SampleLabel object). */
export interface SampleLabel {
  id?: string;
  name: string;
  type: number;
  property?: Record<string, unknown>;
  score?: number;
  annotated_by?: string;
}

/** A sample found in the object store (or a manifest) to add to a dataset. */
export interface NewSample {
  /** Object path of the file, `/bucket/key`. */
  source: string;
  name: string;
  size: number;
  /** Last-modified time of the file, epoch ms. */
  sampleTime: number;
  labels?: SampleLabel[];
  metadata?: Record<string, unknown>;
  /** TRAIN, EVAL, TEST or INFERENCE, as in manifests. */
  usage?: string;
}

/** One sample of a frozen version, as the manifest writer needs it. */
export interface SnapshotSample {
  id: string;
  source: string;
  sampleType: number;
  usage?: string;
  labels: SampleLabel[];
  metadata: Record<string, unknown>;
  /** Time the labels were last changed, epoch ms; 0 when never labeled. */
  labeledTime: number;
}
