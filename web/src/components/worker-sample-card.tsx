import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { operations } from '../api/schema.ts';
import { ErrorNote } from './error-note.tsx';
import { copyStateName } from './worker-codes.ts';

type TaskSample = operations['ListWorkforceTaskSamples']['responses'][200]['content']['application/json']['samples'][number];
type BatchResult = operations['UpdateWorkforceTaskSamples']['responses'][200]['content']['application/json'];

/** The first refused item of a batch answer as an error, so the card shows why its save failed. */
export function batchFailure(r: BatchResult): void {
  const bad = r.results?.find((x) => !x.success);
  if (!r.success || bad) throw new Error(bad?.error_msg ?? 'The server refused the change.');
}

function Thumb({ s }: { s: TaskSample }) {
  return s.sample_type === 0 && s.source ? <img src={s.source} alt={s.sample_name ?? ''} loading="lazy" /> : null;
}

/** A labeler's copy of one sample: its picture, its state, and the image classification label to save, one of the dataset's. */
export function LabelCard({ s, names, save }: { s: TaskSample; names: readonly string[]; save: (name: string) => Promise<BatchResult> }) {
  const current = s.labels?.[0]?.name ?? '';
  const [name, setName] = useState(current);
  const saving = useMutation({ mutationFn: async () => batchFailure(await save(name)) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    saving.mutate();
  };
  const id = `label-${s.sample_id}`;
  return (
    <li>
      <Thumb s={s} />
      <form className="caption stack" onSubmit={submit} aria-label={`Sample ${s.sample_name ?? s.sample_id}`}>
        <span>{s.sample_name}</span>
        <span className="muted" data-testid="copy-state">
          {copyStateName(s)}
          {current ? `: ${s.labels?.map((l) => l.name).join(', ')}` : ''}
        </span>
        {s.review_comment ? <span className="notice">Reviewer: {s.review_comment}</span> : null}
        <label htmlFor={id}>Label</label>
        <select id={id} required value={name} onChange={(e) => setName(e.target.value)}>
          <option value="">Choose a label</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <ErrorNote error={saving.error} />
        {saving.isSuccess ? <span role="status">Saved</span> : null}
        <button type="submit" disabled={saving.isPending}>
          Save label
        </button>
      </form>
    </li>
  );
}

/** A reviewer's view of one labeled copy: pass it, or send it back to its labeler with a comment. */
export function ReviewCard({ s, review }: { s: TaskSample; review: (accept: boolean, comment: string) => Promise<void> }) {
  const [comment, setComment] = useState('');
  const judging = useMutation({ mutationFn: (accept: boolean) => review(accept, comment.trim()) });
  const id = `comment-${s.sample_id}-${s.worker_id}`;
  return (
    <li>
      <Thumb s={s} />
      <div className="caption stack">
        <span>{s.sample_name}</span>
        <span data-testid="copy-labels">{s.labels?.map((l) => l.name).join(', ') || 'no label'}</span>
        <label htmlFor={id}>Comment</label>
        <input id={id} maxLength={256} value={comment} onChange={(e) => setComment(e.target.value)} />
        <ErrorNote error={judging.error} />
        <div className="row">
          <button type="button" disabled={judging.isPending} onClick={() => judging.mutate(true)}>
            Pass
          </button>
          <button type="button" disabled={judging.isPending} onClick={() => judging.mutate(false)}>
            Reject
          </button>
        </div>
      </div>
    </li>
  );
}
