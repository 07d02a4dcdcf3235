import { request } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatInZone } from '../format.js';
import { useAsync } from '../hooks.js';
import type { Workspace } from '../types.js';
import { excerpt } from './labels.js';

interface ActivityEntry {
  at: string;
  kind: string;
  actorName: string | null;
  channelId: string | null;
  summary: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
}

function show(value: unknown, zone: string): string {
  if (value === null || value === undefined || value === '') return 'nothing';
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : 'nothing';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatInZone(value, zone);
  return excerpt(String(value), 120);
}

/** A post's history, newest first: what people did and what happened on each channel, with what edits changed. */
export function ActivityPanel({
  workspace,
  postId,
  channelName,
  version,
}: {
  workspace: Workspace;
  postId: string;
  channelName: (channelId: string) => string;
  /** Changes when the post changes, so the history reloads. */
  version: string;
}) {
  const activity = useAsync(
    (signal) =>
      request<{ activity: ActivityEntry[] }>(
        `/api/v1/workspaces/${encodeURIComponent(workspace.id)}/posts/${encodeURIComponent(postId)}/activity`,
        { signal },
      ).then((r) => r.activity),
    [workspace.id, postId, version],
  );
  const label = (key: string): string => {
    if (key === 'body') return 'Text';
    if (key === 'scheduledAt') return 'Time';
    if (key.startsWith('version:')) return `Text for ${channelName(key.slice(8))}`;
    if (key.startsWith('channel:')) return channelName(key.slice(8));
    return key.charAt(0).toUpperCase() + key.slice(1).replace(/Id$/, '');
  };
  const entries = [...(activity.data ?? [])].reverse();
  return (
    <section className="panel stack" aria-labelledby="post-activity-heading">
      <h2 id="post-activity-heading">Activity</h2>
      <ErrorAlert error={activity.error} />
      {entries.length > 0 ? (
        <ol className="rows" aria-label="Activity">
          {entries.map((e, i) => (
            <li key={`${e.at}-${i}`} className="row">
              <div className="row-main">
                <span>
                  <time dateTime={e.at}>{formatInZone(e.at, workspace.timezone)}</time> ·{' '}
                  {e.actorName ? <strong>{e.actorName}</strong> : null}
                  {e.actorName ? ' ' : null}
                  {e.channelId ? `${channelName(e.channelId)}: ` : null}
                  {e.summary}
                </span>
                {e.changes ? (
                  <ul className="muted">
                    {Object.entries(e.changes).map(([key, c]) => (
                      <li key={key}>
                        {label(key)}: {show(c.from, workspace.timezone)} → {show(c.to, workspace.timezone)}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      ) : activity.data ? (
        <p className="muted">Nothing yet.</p>
      ) : null}
    </section>
  );
}
