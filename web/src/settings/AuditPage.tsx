import { useRef, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { formatDateTime } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import type { AuditEvent, AuditEventPage, Workspace } from '../types.js';

const PAGE_SIZE = 50;

function Actor({ event }: { event: AuditEvent }) {
  if (!event.actorName && !event.actorEmail) return <span className="muted">System</span>;
  return (
    <>
      {event.actorName ?? event.actorEmail}
      {event.actorName && event.actorEmail ? (
        <span className="muted block break">{event.actorEmail}</span>
      ) : null}
    </>
  );
}

function Target({ event }: { event: AuditEvent }) {
  if (!event.targetType && !event.targetId) return <span className="muted">—</span>;
  return (
    <>
      {event.targetType}
      {event.targetId ? <code className="block break">{event.targetId}</code> : null}
    </>
  );
}

export function AuditPage({ workspace }: { workspace: Workspace }) {
  const first = useAsync(
    (signal) => api.auditEvents(workspace.id, { limit: PAGE_SIZE }, signal),
    [workspace.id],
  );
  const [more, setMore] = useState<AuditEventPage | null>(null);
  const [older, setOlder] = useState<AuditEvent[]>([]);
  const endRef = useRef<HTMLParagraphElement>(null);
  const action = useAction();

  const events = [...(first.data?.events ?? []), ...older];
  const nextCursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

  function loadMore(): void {
    if (!nextCursor) return;
    void action.run(async () => {
      const page = await api.auditEvents(workspace.id, { limit: PAGE_SIZE, before: nextCursor });
      setOlder((list) => [...list, ...page.events]);
      setMore(page);
      if (!page.nextCursor) requestAnimationFrame(() => endRef.current?.focus());
    });
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Audit log</PageHeading>
      <p className="lead">Who changed what in {workspace.name}, newest first.</p>
      <ErrorAlert error={first.error} />
      {first.loading && !first.data ? <p className="muted">Loading events…</p> : null}
      {first.data && events.length === 0 ? <p className="muted">Nothing has been recorded yet.</p> : null}
      {events.length > 0 ? (
        <div className="table-wrap">
          <table className="responsive-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td data-label="Time">
                    <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                  </td>
                  <td data-label="Actor">
                    <Actor event={event} />
                  </td>
                  <td data-label="Action">
                    <code>{event.action}</code>
                  </td>
                  <td data-label="Target">
                    <Target event={event} />
                  </td>
                  <td data-label="IP">{event.ip ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorAlert error={action.error} />
      {nextCursor ? (
        <div>
          <button
            type="button"
            className="button-secondary"
            onClick={loadMore}
            aria-disabled={action.busy || undefined}
          >
            Load more
          </button>
        </div>
      ) : events.length > 0 ? (
        <p ref={endRef} tabIndex={-1} className="muted">
          This is the oldest event.
        </p>
      ) : null}
    </div>
  );
}
