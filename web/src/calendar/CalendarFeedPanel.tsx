import { useState } from 'react';
import { CopyableValue } from '../components/CopyableValue.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatRelative } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import type { Workspace } from '../types.js';
import { calendarApi } from './calendar-api.js';

/** The person's secret calendar feed (iCal) of this workspace: create (shown once), replace, turn off. */
export function CalendarFeedPanel({ workspace }: { workspace: Workspace }) {
  const feed = useAsync(
    (signal) => calendarApi.feed(workspace.id, signal).then((r) => r.feed),
    [workspace.id],
  );
  const [url, setUrl] = useState<string | null>(null);
  const action = useAction();
  const exists = feed.data !== null && feed.data !== undefined;

  return (
    <section className="panel stack" aria-labelledby="calendar-feed-title">
      <h2 id="calendar-feed-title">Subscribe from your calendar app</h2>
      <p className="muted">
        A private address of this workspace’s posts (30 days back, 90 ahead) for Google Calendar, Outlook or
        Apple Calendar. Anyone with the address can read it: keep it to yourself, and replace it if it leaks.
      </p>
      {url ? <CopyableValue label="Your calendar feed address" value={url} /> : null}
      {exists && !url ? (
        <p>
          You have a feed address (created {formatRelative(feed.data!.createdAt)}
          {feed.data!.lastReadAt ? `, last read ${formatRelative(feed.data!.lastReadAt)}` : ', not read yet'}
          ). It is shown only once; replace it to see a new one.
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          aria-disabled={action.busy || undefined}
          onClick={() =>
            void action.run(async () => {
              setUrl((await calendarApi.createFeed(workspace.id)).url);
              feed.reload();
            })
          }
        >
          {exists ? 'Replace the feed address' : 'Create a feed address'}
        </button>
        {exists ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() =>
              void action.run(async () => {
                await calendarApi.deleteFeed(workspace.id);
                setUrl(null);
                feed.reload();
              })
            }
          >
            Turn off the feed
          </button>
        ) : null}
      </div>
      <ErrorAlert error={action.error ?? feed.error} />
    </section>
  );
}
