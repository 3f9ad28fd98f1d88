import { ErrorNote } from '../components/error-note.tsx';

/** A page for what does not exist here, or belongs to a project the token does not open. */
export default function NotFound({ what = 'This page', error }: { what?: string; error?: unknown }) {
  return (
    <>
      <h1>Not found</h1>
      <p className="notice">{what} does not exist, or is not in this project.</p>
      <ErrorNote error={error} />
    </>
  );
}
