import { ApiError } from '../api/client.ts';

/** An API failure as the server worded it (error_msg), with its code. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError && error.code ? ` (${error.code})` : '';
  return (
    <p className="error" role="alert">
      {message}
      {code}
    </p>
  );
}
