import { useEffect, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { datasetTypeName } from '../codes.ts';
import { LABEL_TYPE, taskKind, type LabelInput } from '../workbench/annotation.ts';
import { colorProp, Editor, type SampleSource } from '../workbench/editor.tsx';
import type { operations } from '../api/schema.ts';
import NotFound from './not-found.tsx';
import './labeling.css';

type StateFilter = NonNullable<NonNullable<operations['ListSamples']['parameters']['query']>['sample_state']>;

/** Sample states the navigation can keep to (the ListSamples sample_state filter; '' is every sample). */
const STATE_FILTERS: ReadonlyArray<[StateFilter | '', string]> = [
  ['', 'All samples'],
  ['__NONE__', 'Unlabeled'],
  ['__ALL__', 'Labeled'],
  ['__AUTO_ANNOTATION__', 'Awaiting confirmation (auto labeling)'],
];
const stateFilter = (v: string | null): StateFilter | '' => STATE_FILTERS.find(([k]) => k === v)?.[0] ?? '';

type Path = { project_id: string; dataset_id: string };
type UpdateBody = NonNullable<operations['UpdateSamples']['requestBody']>['content']['application/json'];
/** Label types are the API's codes; the workbench writes only those of its four tasks (LABEL_TYPE). */
type BodyLabels = NonNullable<NonNullable<UpdateBody['samples']>[number]['labels']>;

/** The sample at a position of the (filtered) sample list, or undefined past its end. */
async function sampleAt(path: Path, index: number, state: StateFilter | ''): Promise<{ id: string; index: number } | undefined> {
  if (index < 0) return undefined;
  const r = await unwrap(
    api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
      params: { path, query: { offset: index, limit: 1, ...(state ? { sample_state: state } : {}) } },
    }),
  );
  const s = r.samples?.[0];
  return s ? { id: s.sample_id, index } : undefined;
}

/**
 * The labeling workbench of a dataset: one sample at a time (the URL holds it), labeled by the
 * kind of the dataset, saved through UpdateSamples. Leaving a sample with unsaved edits asks first.
 */
export default function Labeling({ projectId, datasetId }: { projectId: string; datasetId: string }) {
  const { pathname, query } = useLocation();
  const sampleId = query.get('sample') ?? '';
  const index = Math.max(0, Number(query.get('at')) || 0);
  const state = stateFilter(query.get('state'));
  const path = useMemo(() => ({ project_id: projectId, dataset_id: datasetId }), [projectId, datasetId]);
  const source = useMemo(() => datasetSource(path, state), [path, state]);
  const dataset = useQuery({
    queryKey: ['dataset', projectId, datasetId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}', { params: { path } })),
  });
  const labels = useQuery({
    queryKey: ['labels', projectId, datasetId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels', { params: { path, query: { offset: 0, limit: 1000 } } })),
  });
  const first = useQuery({
    queryKey: ['sample-at', projectId, datasetId, state, index],
    enabled: sampleId === '',
    queryFn: () => sampleAt(path, index, state),
  });
  useEffect(() => {
    if (sampleId === '' && first.data) navigate(pathname + withQuery(query, { sample: first.data.id, at: first.data.index }), { replace: true });
  }, [sampleId, first.data, pathname, query]);
  const sample = useQuery({
    queryKey: ['sample', projectId, datasetId, sampleId],
    enabled: sampleId !== '',
    queryFn: () =>
      unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/{sample_id}', { params: { path: { ...path, sample_id: sampleId } } })),
  });
  if (dataset.error instanceof ApiError && dataset.error.status === 404) return <NotFound what="This dataset" error={dataset.error} />;
  const kind = taskKind(dataset.data?.dataset_type);
  const back = `/projects/${encodeURIComponent(projectId)}/datasets/${encodeURIComponent(datasetId)}`;
  return (
    <>
      <p>
        <Link to={back}>← {dataset.data?.dataset_name ?? 'Dataset'}</Link>
      </p>
      <h1>Label samples</h1>
      <ErrorNote
        error={dataset.error ?? labels.error ?? first.error ?? (sample.error instanceof ApiError && sample.error.status !== 404 ? sample.error : null)}
      />
      <label className="wb-filter">
        Samples to go through
        <select value={state} onChange={(e) => navigate(pathname + withQuery(new URLSearchParams(), { state: e.target.value }))}>
          {STATE_FILTERS.map(([v, name]) => (
            <option key={v} value={v}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {dataset.data && !kind ? (
        <p className="notice">
          The workbench labels image classification, object detection, text classification and named entity datasets; this one is{' '}
          {datasetTypeName(dataset.data.dataset_type)}.
        </p>
      ) : null}
      {sampleId === '' && first.isSuccess && !first.data ? <p className="notice">No samples here.</p> : null}
      {sample.error instanceof ApiError && sample.error.status === 404 ? <p className="notice">This sample does not exist (any more).</p> : null}
      {kind && sample.data && labels.data ? (
        <Editor
          key={sample.data.sample_id}
          kind={kind}
          source={source}
          sample={sample.data}
          datasetLabels={(labels.data.labels ?? []).filter((l) => l.type === LABEL_TYPE[kind]).map((l) => ({ name: l.name, color: colorProp(l.property) }))}
          index={index}
          pathname={pathname}
          query={query}
        />
      ) : null}
    </>
  );
}

/** The owner's source: the dataset's samples (ListSamples, filtered by state) saved through UpdateSamples. */
function datasetSource(path: Path, state: StateFilter | ''): SampleSource {
  return {
    mode: 'owner',
    key: ['dataset-labeling', path.project_id, path.dataset_id],
    at: (index) => sampleAt(path, index, state),
    async save(sampleId: string, labels: LabelInput[]) {
      const r = await unwrap(
        api.PUT('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
          params: { path },
          body: { samples: [{ sample_id: sampleId, labels: labels as BodyLabels }] },
        }),
      );
      const bad = r.results?.find((x) => !x.success);
      if (!r.success || bad) throw new Error(bad?.error_msg ?? 'The server refused the labels.');
    },
    changed: (sampleId) => [
      ['sample', path.project_id, path.dataset_id, sampleId],
      ['dataset', path.project_id, path.dataset_id],
    ],
  };
}
