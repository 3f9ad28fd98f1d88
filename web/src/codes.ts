// Names of the coded values the console shows (the meanings are those of the API reference).
import type { operations } from './api/schema.ts';

export type DatasetType = NonNullable<operations['CreateDataset']['requestBody']>['content']['application/json']['dataset_type'] & number;

export const DATASET_TYPES: ReadonlyArray<[DatasetType, string]> = [
  [0, 'Image classification'],
  [1, 'Object detection'],
  [3, 'Image segmentation'],
  [100, 'Text classification'],
  [101, 'Named entity recognition'],
  [102, 'Text triplet'],
  [200, 'Sound classification'],
  [201, 'Speech content'],
  [202, 'Speech paragraph labeling'],
  [400, 'Table'],
  [600, 'Video labeling'],
  [900, 'Free format'],
];

export const datasetTypeName = (code: number | undefined): string => DATASET_TYPES.find(([c]) => c === code)?.[1] ?? `type ${String(code)}`;

const DATASET_STATUS: Record<number, string> = { 0: 'Scanning input', 1: 'Ready', 2: 'Deleting', 4: 'Input scan failed', 6: 'Publishing a version' };
export const datasetStatusName = (code: number | undefined): string => (code === undefined ? '' : (DATASET_STATUS[code] ?? `status ${code}`));
/** Statuses that change by themselves: the page polls while one is shown. */
export const datasetBusy = (code: number | undefined): boolean => code === 0 || code === 2 || code === 6;

const VERSION_STATUS: Record<number, string> = { 0: 'Publishing', 1: 'Published', 2: 'Deleting', 4: 'Failed' };
export const versionStatusName = (code: number | undefined): string => (code === undefined ? '' : (VERSION_STATUS[code] ?? `status ${code}`));
export const versionBusy = (code: number | undefined): boolean => code === 0 || code === 2;

export const formatTime = (ms: number | undefined): string => (ms ? new Date(ms).toLocaleString() : '');

/** Training job phases that end a job: the detail page stops polling there. */
export const jobEnded = (phase: string | undefined): boolean => ['Completed', 'Failed', 'Terminated', 'Abnormal'].includes(phase ?? '');
export const formatDuration = (ms: number | undefined): string => {
  const s = Math.round((ms ?? 0) / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};

/** Service statuses that change by themselves: pages poll while one is shown. */
export const serviceBusy = (status: string | undefined): boolean => status === 'deploying' || status === 'deleting' || status === 'concerning';
