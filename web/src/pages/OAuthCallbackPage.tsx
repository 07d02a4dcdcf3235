import { useEffect, useState } from 'react';
import { api, type ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { Link, navigate } from '../router.js';
import type { SignInAnswer } from '../types.js';

/** States already handed to the server: a state works once, so a re-render must not send it again. */
const handled = new Set<string>();

function answerFrom(search: string): SignInAnswer | null {
  const query = new URLSearchParams(search);
  const state = query.get('state');
  if (!state) return null;
  const answer: SignInAnswer = { state };
  for (const [key, name] of [
    ['code', 'code'],
    ['error', 'error'],
    ['error_description', 'errorDescription'],
  ] as const) {
    const value = query.get(key);
    if (value) answer[name] = value;
  }
  return answer;
}

/**
 * Where a network sends the person back after signing in. The answer (state, and a code or an error) is
 * taken off the address bar at once, so it stays out of the history, and handed to the server, which
 * connects the channel; then the person lands on the workspace's Channels page.
 */
export function OAuthCallbackPage() {
  const [error, setError] = useState<ApiError | null>(null);
  const [answer] = useState(() => answerFrom(window.location.search));

  useEffect(() => {
    window.history.replaceState(null, '', window.location.pathname);
    if (!answer || handled.has(answer.state)) return;
    handled.add(answer.state);
    api.completeChannelSignIn(answer).then(
      ({ channel, workspaceId }) =>
        navigate(
          `/w/${encodeURIComponent(workspaceId)}/settings/channels?connected=${encodeURIComponent(channel.id)}`,
          { replace: true, focusHeading: true },
        ),
      (failure: ApiError) => setError(failure),
    );
  }, [answer]);

  return (
    <div className="stack">
      <PageHeading>Connecting a channel</PageHeading>
      {!answer ? (
        <p role="alert" className="alert">
          This page finishes signing in to a network, but the address has no sign-in answer. Start connecting
          the channel from Settings → Channels.
        </p>
      ) : error ? (
        <ErrorAlert error={error} />
      ) : (
        <p role="status">Finishing the sign-in…</p>
      )}
      {!answer || error ? (
        <p>
          <Link to="/">Back to Chorus</Link>
        </p>
      ) : null}
    </div>
  );
}
