import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { useHistoryGuard } from '../workbench/leave-guard.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ImageCanvas } from '../components/labeling-image.tsx';
import { TextView } from '../components/labeling-text.tsx';
import { datasetTypeName } from '../codes.ts';
import {
  addSpan,
  fromLabels,
  LABEL_TYPE,
  newKey,
  sameLabels,
  taskKind,
  textOf,
  toggleTag,
  toLabels,
  type Annotation,
  type ApiLabel,
  type TaskKind,
} from '../workbench/annotation.ts';
import { canClose, centredBox, moveShape, resizeBy, type Point, type Size } from '../workbench/geometry.ts';
import { canRedo, canUndo, record, redo, startHistory, undo } from '../workbench/history.ts';
import { actionFor, SHORTCUT_HELP, type Action, type Tool } from '../workbench/shortcuts.ts';
import type { operations } from '../api/schema.ts';
import NotFound from './not-found.tsx';
import './labeling.css';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#808000', '#469990'];

type StateFilter = NonNullable<NonNullable<operations['ListSamples']['parameters']['query']>['sample_state']>;

/** Sample states the navigation can keep to (the ListSamples sample_state filter; '' is every sample). */
const STATE_FILTERS: ReadonlyArray<[StateFilter | '', string]> = [
  ['', 'All samples'],
  ['__NONE__', 'Unlabeled'],
  ['__ALL__', 'Labeled'],
  ['__AUTO_ANNOTATION__', 'Awaiting confirmation (auto labeling)'],
];
const stateFilter = (v: string | null): StateFilter | '' => STATE_FILTERS.find(([k]) => k === v)?.[0] ?? '';

const TOOL_HINT: Record<Tool, (points: number) => string> = {
  box: () => 'Drag on the image to draw a box with the chosen label.',
  polygon: (n) => (n > 0 ? `${n} points: Enter or a click on the first point closes the polygon, Escape drops it.` : 'Click each point of the polygon.'),
  select: () => 'Click a shape to select it; drag it or its handles; arrow keys move it.',
};

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
          path={path}
          sample={sample.data}
          datasetLabels={(labels.data.labels ?? []).filter((l) => l.type === LABEL_TYPE[kind]).map((l) => ({ name: l.name, color: colorProp(l.property) }))}
          index={index}
          state={state}
          pathname={pathname}
          query={query}
        />
      ) : null}
    </>
  );
}

const colorProp = (p: Record<string, unknown> | undefined): string | undefined => {
  const c = p?.['@modelarts:color'];
  return typeof c === 'string' && /^#[0-9a-f]{3,8}$/i.test(c) ? c : undefined;
};

interface SampleData {
  sample_id: string;
  sample_name?: string;
  sample_status?: string;
  source?: string;
  labels?: ApiLabel[];
}

interface EditorProps {
  kind: TaskKind;
  path: Path;
  sample: SampleData;
  datasetLabels: { name: string; color: string | undefined }[];
  index: number;
  state: StateFilter | '';
  pathname: string;
  query: URLSearchParams;
}

const NOT_TYPED = ['checkbox', 'radio', 'button', 'submit', 'reset'];

/** Whether keys typed at the target are text (a text field or a list): then the plain shortcuts keep off. */
function isField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (el instanceof HTMLInputElement) return !NOT_TYPED.includes(el.type);
  return !!el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function Editor({ kind, path, sample, datasetLabels, index, state, pathname, query }: EditorProps) {
  const queries = useQueryClient();
  const initial = useMemo(() => fromLabels(sample.labels ?? [], kind), [sample.labels, kind]);
  const [hist, setHist] = useState(() => startHistory(initial));
  const [saved, setSaved] = useState(initial);
  const [live, setLive] = useState<Annotation | null>(null);
  const [tool, setTool] = useState<Tool>('box');
  const [selected, setSelected] = useState<number | null>(null);
  const [draft, setDraft] = useState<Point[]>([]);
  const [size, setSize] = useState<Size | null>(null);
  const [help, setHelp] = useState(false);
  const [textSel, setTextSel] = useState<[number, number] | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [newName, setNewName] = useState('');
  const [notice, setNotice] = useState('');
  const multiple = query.get('multi') === '1';
  const a = live ?? hist.present;
  const dirty = !sameLabels(hist.present, saved, kind);

  const names = useMemo(() => {
    const all = [...datasetLabels.map((l) => l.name), ...added];
    const used = [...a.tags.map((t) => t.name), ...a.shapes.map((s) => s.name), ...a.spans.map((s) => s.name)];
    return [...new Set([...all, ...used])];
  }, [datasetLabels, added, a]);
  const [active, setActive] = useState(names[0] ?? '');
  const activeLabel = active || names[0] || '';
  const colorOf = useCallback(
    (name: string) => datasetLabels.find((l) => l.name === name)?.color ?? PALETTE[Math.max(0, names.indexOf(name)) % PALETTE.length]!,
    [datasetLabels, names],
  );

  const edit = (next: Annotation) => {
    setHist((h) => (sameLabels(h.present, next, kind) ? h : record(h, next)));
    setNotice('');
  };

  const save = useMutation({
    mutationFn: async (then: 'stay' | 'next') => {
      const present = hist.present;
      const r = await unwrap(
        api.PUT('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
          params: { path },
          body: { samples: [{ sample_id: sample.sample_id, labels: toLabels(present, kind) as BodyLabels }] },
        }),
      );
      const bad = r.results?.find((x) => !x.success);
      if (!r.success || bad) throw new Error(bad?.error_msg ?? 'The server refused the labels.');
      setSaved(present);
      await queries.invalidateQueries({ queryKey: ['sample', path.project_id, path.dataset_id, sample.sample_id] });
      await queries.invalidateQueries({ queryKey: ['dataset', path.project_id, path.dataset_id] });
      if (then === 'next') await go(1, true);
      else setNotice('Saved');
    },
  });

  /** Moves to the next (+1) or previous (-1) sample of the list, asking first when edits are unsaved. */
  const go = async (step: 1 | -1, justSaved = false) => {
    if (!justSaved && dirty && !window.confirm('This sample has unsaved labels. Leave it and drop them?')) return;
    let to: { id: string; index: number } | undefined;
    if (step === -1) to = await sampleAt(path, index - 1, state);
    else {
      // The current sample may have left a filtered list by being saved: then the next one took its place.
      const here = await sampleAt(path, index, state);
      to = here && here.id !== sample.sample_id ? here : await sampleAt(path, index + 1, state);
    }
    if (to) navigate(pathname + withQuery(query, { sample: to.id, at: to.index }));
    else setNotice(step === 1 ? 'This is the last sample.' : 'This is the first sample.');
  };

  // Unsaved edits: a reload or a closed tab asks the browser's question; a link in the page asks ours.
  useHistoryGuard(dirty, 'This sample has unsaved labels. Leave it and drop them?');
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    const unload = (e: BeforeUnloadEvent) => {
      if (dirtyRef.current) e.preventDefault();
    };
    const click = (e: MouseEvent) => {
      const link = (e.target as HTMLElement | null)?.closest('a[href]');
      if (link && dirtyRef.current && !window.confirm('This sample has unsaved labels. Leave it and drop them?')) e.preventDefault();
    };
    window.addEventListener('beforeunload', unload);
    document.addEventListener('click', click, true);
    return () => {
      window.removeEventListener('beforeunload', unload);
      document.removeEventListener('click', click, true);
    };
  }, []);

  const removeSelected = () => {
    if (selected === null) return;
    if (a.shapes.some((s) => s.key === selected)) edit({ ...a, shapes: a.shapes.filter((s) => s.key !== selected) });
    else if (a.spans.some((s) => s.key === selected)) edit({ ...a, spans: a.spans.filter((s) => s.key !== selected) });
    setSelected(null);
  };

  const pickLabel = (name: string) => {
    if (kind === 'image-classification' || kind === 'text-classification') return edit(toggleTag(a, name, multiple));
    if (kind === 'object-detection' && selected !== null && a.shapes.some((s) => s.key === selected)) {
      edit({ ...a, shapes: a.shapes.map((s) => (s.key === selected ? { ...s, name } : s)) });
    } else if (kind === 'named-entity' && textSel) {
      const next = addSpan(a, textSel[0], textSel[1], name);
      if (next) edit(next);
      document.getSelection()?.removeAllRanges();
      setTextSel(null);
    }
    setActive(name);
  };

  const run = (act: Action): boolean => {
    switch (act.do) {
      case 'undo':
        setHist(undo);
        setSelected(null);
        return true;
      case 'redo':
        setHist(redo);
        setSelected(null);
        return true;
      case 'save':
        save.mutate('stay');
        return true;
      case 'save-next':
        save.mutate('next');
        return true;
      case 'next':
        void go(1);
        return true;
      case 'previous':
        void go(-1);
        return true;
      case 'help':
        setHelp((h) => !h);
        return true;
      case 'delete':
        if (selected === null) return false;
        removeSelected();
        return true;
      case 'close-polygon': {
        if (kind !== 'object-detection') return false;
        if (draft.length === 0) {
          // Enter with the box tool places a box from the keyboard; arrows then move it and Ctrl+arrows resize it.
          if (tool !== 'box' || !size || !activeLabel) return false;
          const key = newKey();
          edit({ ...a, shapes: [...a.shapes, { key, name: activeLabel, shape: { kind: 'bndbox', rect: centredBox(size) }, property: {} }] });
          setSelected(key);
          return true;
        }
        if (canClose(draft)) {
          const key = newKey();
          edit({ ...a, shapes: [...a.shapes, { key, name: activeLabel, shape: { kind: 'polygon', points: draft }, property: {} }] });
          setDraft([]);
          setSelected(key);
        } else setNotice('A polygon needs three points that are not on one line.');
        return true;
      }
      case 'cancel':
        if (draft.length > 0) setDraft([]);
        else if (help) setHelp(false);
        else setSelected(null);
        return true;
      case 'tool':
        if (kind !== 'object-detection') return false;
        setTool(act.tool);
        setDraft([]);
        return true;
      case 'label': {
        const name = names[act.index];
        if (!name) return false;
        pickLabel(name);
        return true;
      }
      case 'resize': {
        const s = a.shapes.find((x) => x.key === selected);
        if (!s || s.shape.kind !== 'bndbox' || !size) return false;
        const rect = resizeBy(s.shape.rect, act.dx, act.dy, size);
        edit({ ...a, shapes: a.shapes.map((x) => (x === s ? { ...s, shape: { kind: 'bndbox' as const, rect } } : x)) });
        return true;
      }
      case 'nudge': {
        const s = a.shapes.find((x) => x.key === selected);
        if (!s || !size) return false;
        edit({ ...a, shapes: a.shapes.map((x) => (x === s ? { ...s, shape: moveShape(s.shape, act.dx, act.dy, size) } : x)) });
        return true;
      }
    }
  };

  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if ((e.key === 'Enter' || e.key === ' ') && !e.ctrlKey && !e.metaKey && t && (t.tagName === 'BUTTON' || t.tagName === 'A')) return;
      const act = actionFor(e, { inField: isField(e.target) });
      if (act && runRef.current(act)) e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);

  const isText = kind === 'text-classification' || kind === 'named-entity';
  const inline = textOf(sample.source);
  // A text sample that is a whole file comes as a signed URL of that file: its text is read from there.
  const fileText = useQuery({
    queryKey: ['sample-text', path.project_id, path.dataset_id, sample.sample_id],
    enabled: isText && inline === null && !!sample.source,
    staleTime: Infinity,
    queryFn: async () => {
      const r = await fetch(sample.source!);
      if (!r.ok) throw new Error(`The sample's file could not be read (${r.status} ${r.statusText})`);
      return r.text();
    },
  });
  const text = inline ?? fileText.data ?? null;
  const auto = sample.sample_status === 'AUTO_ANNOTATION';
  const labelKeys = (
    <div className="wb-labels" role="group" aria-label="Labels">
      {names.map((n, i) => {
        const on = kind === 'image-classification' || kind === 'text-classification' ? a.tags.some((t) => t.name === n) : n === activeLabel;
        return (
          <button key={n} type="button" aria-pressed={on} className="wb-label" style={{ borderColor: colorOf(n) }} onClick={() => pickLabel(n)}>
            {i < 9 ? <kbd>{i + 1}</kbd> : null} {n}
          </button>
        );
      })}
      <form
        className="wb-add"
        onSubmit={(e) => {
          e.preventDefault();
          const n = newName.trim();
          if (n && !names.includes(n)) setAdded([...added, n]);
          if (n) setActive(n);
          setNewName('');
        }}
      >
        <label>
          New label
          <input value={newName} maxLength={32} onChange={(e) => setNewName(e.target.value)} />
        </label>
        <button type="submit">Add</button>
      </form>
    </div>
  );

  return (
    <section className="wb" aria-label="Workbench">
      <div className="wb-bar">
        <strong data-testid="sample-name">{sample.sample_name}</strong>
        <span className="muted">Sample {index + 1}</span>
        <span className={dirty ? 'wb-dirty' : 'muted'} role="status">
          {dirty ? 'Unsaved changes' : notice || 'All changes saved'}
        </span>
        <span className="wb-spacer" />
        <button type="button" onClick={() => void go(-1)}>
          Previous
        </button>
        <button type="button" onClick={() => void go(1)}>
          Next
        </button>
        <button type="button" onClick={() => run({ do: 'undo' })} disabled={!canUndo(hist)}>
          Undo
        </button>
        <button type="button" onClick={() => run({ do: 'redo' })} disabled={!canRedo(hist)}>
          Redo
        </button>
        <button type="button" className="primary" onClick={() => save.mutate('stay')} disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={() => save.mutate('next')} disabled={save.isPending}>
          Save and next
        </button>
        <button type="button" aria-expanded={help} onClick={() => setHelp(!help)}>
          Shortcuts (?)
        </button>
      </div>
      <ErrorNote error={save.error} />
      {notice && dirty ? <p className="notice">{notice}</p> : null}
      {auto ? (
        <div className="notice wb-auto" role="note">
          These labels were proposed by auto labeling and are not confirmed yet. Accept them as they are, or correct them and save.{' '}
          <button type="button" onClick={() => save.mutate('stay')} disabled={save.isPending}>
            Accept labels
          </button>{' '}
          <button type="button" onClick={() => save.mutate('next')} disabled={save.isPending}>
            Accept and next
          </button>
        </div>
      ) : null}
      {help ? (
        <div className="panel wb-help" role="dialog" aria-label="Keyboard shortcuts">
          <h2>Keyboard shortcuts</h2>
          <table>
            <tbody>
              {SHORTCUT_HELP.map(([k, what]) => (
                <tr key={k}>
                  <th scope="row">
                    <kbd>{k}</kbd>
                  </th>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Unsaved edits are not dropped silently: moving to another sample or following a link asks first.</p>
          <button type="button" autoFocus onClick={() => setHelp(false)}>
            Close
          </button>
        </div>
      ) : null}
      {kind === 'image-classification' || kind === 'text-classification' ? (
        <label className="wb-multi">
          <input type="checkbox" checked={multiple} onChange={(e) => navigate(pathname + withQuery(query, { multi: e.target.checked ? '1' : undefined }))} />
          Several labels per sample
        </label>
      ) : null}
      {labelKeys}
      <div className="wb-main">
        <div className="wb-work">
          {kind === 'image-classification' || kind === 'object-detection' ? (
            sample.source ? (
              kind === 'object-detection' ? (
                <>
                  <div className="wb-tools" role="group" aria-label="Tool">
                    {(
                      [
                        ['box', 'Box (R)'],
                        ['polygon', 'Polygon (P)'],
                        ['select', 'Select (V)'],
                      ] as const
                    ).map(([t, label]) => (
                      <button key={t} type="button" aria-pressed={tool === t} onClick={() => run({ do: 'tool', tool: t })}>
                        {label}
                      </button>
                    ))}
                  </div>
                  <p className="muted wb-hint">{activeLabel ? TOOL_HINT[tool](draft.length) : 'Add a label first: each new shape takes the chosen label.'}</p>
                  <ImageCanvas
                    src={sample.source}
                    alt={sample.sample_name ?? ''}
                    annotation={a}
                    size={size}
                    onSize={setSize}
                    tool={tool}
                    activeLabel={activeLabel}
                    selected={selected}
                    onSelect={setSelected}
                    draft={draft}
                    onDraft={setDraft}
                    onLive={setLive}
                    onCommit={(next) => {
                      setLive(null);
                      edit(next);
                    }}
                    colorOf={colorOf}
                  />
                </>
              ) : (
                <div className="wb-stage">
                  <img src={sample.source} alt={sample.sample_name ?? ''} />
                </div>
              )
            ) : null
          ) : text !== null ? (
            <TextView
              text={text}
              spans={kind === 'named-entity' ? a.spans : undefined}
              selectedSpan={selected}
              onSelectSpan={setSelected}
              onSelection={kind === 'named-entity' ? setTextSel : undefined}
              colorOf={colorOf}
            />
          ) : (
            <>
              <ErrorNote error={fileText.error} />
              {fileText.isPending ? <p className="muted">Loading the text…</p> : null}
            </>
          )}
          {kind === 'named-entity' ? (
            <p className="muted">{textSel ? `Selected characters ${textSel[0]}–${textSel[1]}: pick a label.` : 'Select text, then pick its label.'}</p>
          ) : null}
        </div>
        <aside className="wb-side" aria-label="Labels on this sample">
          <h2>On this sample</h2>
          {kind === 'object-detection' ? (
            <ShapeList a={a} selected={selected} names={names} onSelect={setSelected} onEdit={edit} />
          ) : kind === 'named-entity' ? (
            <ul className="wb-list">
              {a.spans.map((s) => (
                <li key={s.key} className={s.key === selected ? 'wb-selected' : undefined}>
                  <span>
                    {s.name}: “{text?.slice(s.start, s.end)}” ({s.start}–{s.end})
                  </span>
                  <button type="button" onClick={() => edit({ ...a, spans: a.spans.filter((x) => x.key !== s.key) })}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="tags">{a.tags.map((t) => t.name).join(', ') || 'No label'}</p>
          )}
          {a.others.length > 0 ? <p className="muted">Also kept as they are: {a.others.map((l) => l.name).join(', ')}</p> : null}
        </aside>
      </div>
    </section>
  );
}

function ShapeList(props: { a: Annotation; selected: number | null; names: string[]; onSelect: (k: number | null) => void; onEdit: (a: Annotation) => void }) {
  const { a, selected, names } = props;
  if (a.shapes.length === 0) return <p className="muted">No shapes yet.</p>;
  return (
    <ul className="wb-list" data-testid="shapes">
      {a.shapes.map((s, i) => (
        <li key={s.key} className={s.key === selected ? 'wb-selected' : undefined}>
          <button type="button" aria-pressed={s.key === selected} onClick={() => props.onSelect(s.key === selected ? null : s.key)}>
            {s.shape.kind === 'bndbox' ? 'Box' : 'Polygon'} {i + 1}
          </button>
          <select
            aria-label={`Label of shape ${i + 1}`}
            value={s.name}
            onChange={(e) => props.onEdit({ ...a, shapes: a.shapes.map((x) => (x.key === s.key ? { ...x, name: e.target.value } : x)) })}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="button" aria-label={`Delete shape ${i + 1}`} onClick={() => props.onEdit({ ...a, shapes: a.shapes.filter((x) => x.key !== s.key) })}>
            Delete
          </button>
        </li>
      ))}
    </ul>
  );
}
