import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatDateTime } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import type { WebhookDelivery, WebhookEndpoint, Workspace } from '../types.js';
import { endpointLabel } from './WebhookRow.js';

const PAGE_SIZE = 20;
/** While an attempt is due, the log refreshes itself this often. */
const REFRESH_MS = 5000;

function statusOf(delivery: WebhookDelivery): { label: string; className: string } {
  if (delivery.status === 'delivered') return { label: 'Delivered', className: 'badge badge-connected' };
  if (delivery.status === 'failed') return { label: 'Failed', className: 'badge badge-attention' };
  return { label: delivery.attemptCount > 0 ? 'Retrying' : 'Queued', className: 'badge' };
}

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  // While it is still being attempted, say how many attempts it may take in all.
  const summary =
    delivery.status === 'pending'
      ? `${delivery.attemptCount} of ${delivery.maxAttempts}`
      : String(delivery.attemptCount);
  if (delivery.attempts.length === 0) return <>{summary}</>;
  return (
    <details className="attempts">
      <summary>
        {summary}
        <span className="visually-hidden"> attempts: show each</span>
      </summary>
      <ol>
        {delivery.attempts.map((attempt) => (
          <li key={attempt.attempt}>
            <p>
              <time dateTime={attempt.startedAt}>{formatDateTime(attempt.startedAt)}</time> ·{' '}
              {attempt.statusCode === null ? 'no answer' : `answered ${attempt.statusCode}`} ·{' '}
              {attempt.durationMs} ms
            </p>
            {attempt.error ? <p className="channel-error">{attempt.error}</p> : null}
            {attempt.responseExcerpt ? (
              <pre className="excerpt" aria-label={`Start of the answer to attempt ${attempt.attempt}`}>
                {attempt.responseExcerpt}
              </pre>
            ) : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

interface WebhookDeliveriesProps {
  workspace: Workspace;
  endpoint: WebhookEndpoint;
  canManage: boolean;
  id: string;
  /** Bumped by the page (after sending a test) to load the log again. */
  refreshKey: number;
  onClose: () => void;
}

/** The delivery log of one endpoint, newest first; its heading receives focus when it opens. */
export function WebhookDeliveries({
  workspace,
  endpoint,
  canManage,
  id,
  refreshKey,
  onClose,
}: WebhookDeliveriesProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const first = useAsync(
    (signal) => api.webhookDeliveries(workspace.id, endpoint.id, { limit: PAGE_SIZE }, signal),
    [workspace.id, endpoint.id, refreshKey],
  );
  const [older, setOlder] = useState<WebhookDelivery[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [status, setStatus] = useState('');
  const action = useAction();
  const label = endpointLabel(endpoint);

  useEffect(() => {
    headingRef.current?.focus();
  }, [endpoint.id]);

  // A fresh first page replaces whatever older pages were loaded.
  useEffect(() => {
    setOlder([]);
    setOlderCursor(undefined);
  }, [first.data]);

  const deliveries = [...(first.data?.deliveries ?? []), ...older];
  const nextCursor = olderCursor === undefined ? (first.data?.nextCursor ?? null) : olderCursor;
  // Something is being sent now or within a minute (a test, a redelivery, an early retry).
  const sending = deliveries.some(
    (d) => d.status === 'pending' && (!d.nextAttemptAt || Date.parse(d.nextAttemptAt) - Date.now() < 60_000),
  );
  const { reload } = first;

  useEffect(() => {
    if (!sending) return;
    const timer = window.setTimeout(reload, REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [sending, first.data, reload]);

  function loadOlder(): void {
    if (!nextCursor) return;
    void action.run(async () => {
      const page = await api.webhookDeliveries(workspace.id, endpoint.id, {
        limit: PAGE_SIZE,
        before: nextCursor,
      });
      setOlder((list) => [...list, ...page.deliveries]);
      setOlderCursor(page.nextCursor);
    });
  }

  function redeliver(delivery: WebhookDelivery): void {
    setStatus('');
    void action.run(async () => {
      await api.redeliverWebhook(workspace.id, endpoint.id, delivery.id);
      setStatus(`The ${delivery.eventType} event is being sent again.`);
      reload();
    });
  }

  return (
    <section
      id={id}
      className="panel stack"
      aria-labelledby={`${id}-heading`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <h3 id={`${id}-heading`} ref={headingRef} tabIndex={-1} className="break">
        Delivery log: {label}
      </h3>
      <p className="muted">
        Newest first. A failed attempt is retried after 30 seconds, 2 minutes, 10 minutes, 1 hour and 6 hours;
        after that the delivery is marked failed.
      </p>
      <div className="actions">
        <button type="button" className="button-secondary" onClick={reload}>
          Refresh
        </button>
        <button type="button" className="button-secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorAlert error={first.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {first.loading && !first.data ? <p className="muted">Loading deliveries…</p> : null}
      {first.data && deliveries.length === 0 ? (
        <p className="muted">Nothing has been sent to this endpoint yet.</p>
      ) : null}
      {deliveries.length > 0 ? (
        <div className="table-wrap">
          <table className="responsive-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next retry</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => {
                const state = statusOf(delivery);
                return (
                  <tr key={delivery.id}>
                    <td data-label="Event">
                      <code>{delivery.eventType}</code>
                    </td>
                    <td data-label="Time">
                      <time dateTime={delivery.createdAt}>{formatDateTime(delivery.createdAt)}</time>
                    </td>
                    <td data-label="Status">
                      <span className={state.className}>{state.label}</span>
                      {delivery.lastError && delivery.status !== 'delivered' ? (
                        <p className="channel-error">{delivery.lastError}</p>
                      ) : null}
                    </td>
                    <td data-label="Code">{delivery.lastStatusCode ?? <span className="muted">—</span>}</td>
                    <td data-label="Attempts">
                      <Attempts delivery={delivery} />
                    </td>
                    <td data-label="Next retry">
                      {delivery.nextAttemptAt ? (
                        <time dateTime={delivery.nextAttemptAt}>
                          {formatDateTime(delivery.nextAttemptAt)}
                        </time>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    {canManage ? (
                      <td data-label="Actions">
                        {delivery.status === 'failed' && endpoint.enabled ? (
                          <button
                            type="button"
                            className="button-secondary"
                            aria-label={`Redeliver the ${delivery.eventType} event of ${formatDateTime(delivery.createdAt)}`}
                            aria-disabled={action.busy || undefined}
                            onClick={action.busy ? undefined : () => redeliver(delivery)}
                          >
                            Redeliver
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {nextCursor ? (
        <div>
          <button
            type="button"
            className="button-secondary"
            aria-disabled={action.busy || undefined}
            onClick={loadOlder}
          >
            Load older deliveries
          </button>
        </div>
      ) : null}
    </section>
  );
}
