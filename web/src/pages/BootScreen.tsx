import type { ApiError } from '../api.js';
import { AuthLayout } from '../components/AuthLayout.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';

export function BootLoading() {
  return (
    <div className="boot" role="status">
      Loading Chorus…
    </div>
  );
}

export function BootFailed({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <AuthLayout>
      <PageHeading>Chorus is not reachable</PageHeading>
      <ErrorAlert error={error} />
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </AuthLayout>
  );
}
