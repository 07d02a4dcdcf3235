import type { ApiError } from '../api.js';

/** Shows the server's error message; renders nothing without an error. */
export function ErrorAlert({ error }: { error: ApiError | null | undefined }) {
  if (!error) return null;
  return (
    <div role="alert" className="alert">
      {error.message}
    </div>
  );
}
