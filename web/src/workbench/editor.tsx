// The labeling workbench of one sample, shared by the owner's dataset labeling and the team members'
// task view: what it reads and saves goes through a SampleSource (dataset sample APIs, or the task's).
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { navigate, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ImageCanvas } from '../components/labeling-image.tsx';
import { TextView } from '../components/labeling-text.tsx';
import {
  addSpan,
  fromLabels,
  newKey,
  sameLabels,
  textOf,
  toggleTag,
  toLabels,
  type Annotation,
  type ApiLabel,
  type LabelInput,
  type TaskKind,
} from './annotation.ts';
import { canClose, centredBox, moveShape, resizeBy, type Point, type Size } from './geometry.ts';
import { canRedo, canUndo, record, redo, startHistory, undo } from './history.ts';
import { actionFor, SHORTCUT_HELP, type Action, type Tool } from './shortcuts.ts';
import { useHistoryGuard } from './leave-guard.ts';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#808000', '#469990'];

const TOOL_HINT: Record<Tool, (points: number) => string> = {
  box: () => 'Drag on the image to draw a box with the chosen label.',
  polygon: (n) => (n > 0 ? `${n} points: Enter or a click on the first point closes the polygon, Escape drops it.` : 'Click each point of the polygon.'),
  select: () => 'Click a shape to select it; drag it or its handles; arrow keys move it.',
};

/** A sample's place in the list the workbench walks: the URL keeps it (sample, at, and worker for a member's copy). */
export interface SamplePlace {
  id: string;
  index: number;
  /** The member whose copy it is (task samples only). */
  worker?: string;
}

/** Where the workbench reads the samples around the current one and saves labels. */
export interface SampleSource {
  /** The sample at a position of the list walked, or undefined past its end. */
  at(index: number): Promise<SamplePlace | undefined>;
  /** Saves the labels of one sample; throws with the server's reason when refused. */
  save(sampleId: string, labels: LabelInput[]): Promise<void>;
  /** Query keys whose data a save changes. */
  changed(sampleId: string): readonly (readonly unknown[])[];
  /** A key prefix for this source's queries. */
  key: readonly unknown[];
  /** 'owner': dataset labeling (new label names allowed, auto labeling confirmation); 'member': only the dataset's labels. */
  mode: 'owner' | 'member';
}

/** A label's color from its @modelarts:color property, when it is one. */
export const colorProp = (p: Record<string, unknown> | undefined): string | undefined => {
  const c = p?.['@modelarts:color'];
  return typeof c === 'string' && /^#[0-9a-f]{3,8}$/i.test(c) ? c : undefined;
};

/** A reviewer's verdict on the copy shown, instead of editing it. */
export interface Review {
  judge(accept: boolean, comment: string): Promise<void>;
}

export interface SampleData {
  sample_id: string;
  worker_id?: string;
  sample_name?: string;
  sample_status?: string;
  source?: string;
  labels?: ApiLabel[];
}

interface EditorProps {
  kind: TaskKind;
  source: SampleSource;
  sample: SampleData;
  datasetLabels: { name: string; color: string | undefined }[];
  index: number;
  pathname: string;
  query: URLSearchParams;
  /** Set for a reviewer: the labels are shown, not edited, and the bar gives the verdict. */
  review?: Review;
  /** Shown above the work area (a reviewer's comment to the labeler, ...). */
  note?: ReactNode;
}

const NOT_TYPED = ['checkbox', 'radio', 'button', 'submit', 'reset'];

/** Whether keys typed at the target are text (a text field or a list): then the plain shortcuts keep off. */
function isField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (el instanceof HTMLInputElement) return !NOT_TYPED.includes(el.type);
  return !!el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/**
 * One sample in the workbench, labeled by the kind of its dataset: undo and redo, keyboard shortcuts,
 * save and save-and-next through the source. Leaving a sample with unsaved edits asks first.
 */
export function Editor({ kind, source, sample, datasetLabels, index, pathname, query, review, note }: EditorProps) {
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
  const [comment, setComment] = useState('');
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

  const readOnly = review !== undefined;
  const edit = (next: Annotation) => {
    if (readOnly) return;
    setHist((h) => (sameLabels(h.present, next, kind) ? h : record(h, next)));
    setNotice('');
  };

  const save = useMutation({
    mutationFn: async (then: 'stay' | 'next') => {
      if (readOnly) return;
      const present = hist.present;
      await source.save(sample.sample_id, toLabels(present, kind));
      setSaved(present);
      for (const queryKey of source.changed(sample.sample_id)) await queries.invalidateQueries({ queryKey });
      if (then === 'next') await go(1, true);
      else setNotice('Saved');
    },
  });

  /** Moves to the next (+1) or previous (-1) sample of the list, asking first when edits are unsaved. */
  const go = async (step: 1 | -1, justSaved = false) => {
    if (!justSaved && dirty && !window.confirm('This sample has unsaved labels. Leave it and drop them?')) return;
    let to: SamplePlace | undefined;
    if (step === -1) to = await source.at(index - 1);
    else {
      // The current sample may have left a filtered list by being saved: then the next one took its place.
      const here = await source.at(index);
      to = here && (here.id !== sample.sample_id || here.worker !== sample.worker_id) ? here : await source.at(index + 1);
    }
    if (to) navigate(pathname + withQuery(query, { sample: to.id, at: to.index, worker: to.worker }));
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
    queryKey: [...source.key, 'sample-text', sample.sample_id],
    enabled: isText && inline === null && !!sample.source,
    staleTime: Infinity,
    queryFn: async () => {
      const r = await fetch(sample.source!);
      if (!r.ok) throw new Error(`The sample's file could not be read (${r.status} ${r.statusText})`);
      return r.text();
    },
  });
  const text = inline ?? fileText.data ?? null;
  const auto = source.mode === 'owner' && sample.sample_status === 'AUTO_ANNOTATION';
  const verdict = useMutation({
    mutationFn: async (accept: boolean) => {
      await review?.judge(accept, comment.trim());
      setComment('');
      await queries.invalidateQueries({ queryKey: source.key });
      // The judged copy left the queue: the next one took its place; at the end, back to the queue's start.
      const to = (await source.at(index)) ?? (await source.at(0));
      navigate(pathname + withQuery(query, { sample: to?.id, at: to?.index, worker: to?.worker }));
    },
  });
  const labelKeys = (
    <div className="wb-labels" role="group" aria-label="Labels">
      {names.map((n, i) => {
        const on = kind === 'image-classification' || kind === 'text-classification' ? a.tags.some((t) => t.name === n) : n === activeLabel;
        return (
          <button
            key={n}
            type="button"
            aria-pressed={on}
            disabled={readOnly}
            className="wb-label"
            style={{ borderColor: colorOf(n) }}
            onClick={() => pickLabel(n)}
          >
            {i < 9 ? <kbd>{i + 1}</kbd> : null} {n}
          </button>
        );
      })}
      {source.mode === 'member' ? null : (
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
      )}
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
        {readOnly ? null : (
          <>
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
          </>
        )}
        <button type="button" aria-expanded={help} onClick={() => setHelp(!help)}>
          Shortcuts (?)
        </button>
      </div>
      <ErrorNote error={save.error ?? verdict.error} />
      {review ? (
        <form
          className="wb-review"
          aria-label="Review"
          onSubmit={(e) => {
            e.preventDefault();
            verdict.mutate(true);
          }}
        >
          <label>
            Comment to the labeler
            <input value={comment} maxLength={256} onChange={(e) => setComment(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={verdict.isPending}>
            Pass
          </button>
          <button type="button" disabled={verdict.isPending} onClick={() => verdict.mutate(false)}>
            Reject
          </button>
        </form>
      ) : null}
      {note}
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
