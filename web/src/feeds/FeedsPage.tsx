import { useId, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatDateTime, formatRelative } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can } from '../permissions.js';
import type { Channel, Feed, FeedPollOutcome, Workspace } from '../types.js';
import { FeedForm } from './FeedForm.js';
import { FeedItems } from './FeedItems.js';

const FORMATS: Record<Feed['format'], string> = { rss2: 'RSS 2.0', rss1: 'RSS 1.0', atom: 'Atom' };

const feedName = (feed: Feed): string => feed.title || feed.url;

function describeOutcome(feed: Feed, o: FeedPollOutcome): string {
  const name = feedName(feed);
  if (o.outcome === 'failed') return `${name} could not be polled: ${o.error ?? 'unknown error'}`;
  if (o.outcome === 'not_modified') return `${name} has not changed since the last poll.`;
  if (o.newItems === 0) return `${name} has no new items.`;
  const parts = [`${o.posted} new item${o.posted === 1 ? '' : 's'} posted`];
  if (o.failed > 0) parts.push(`${o.failed} failed`);
  if (o.skipped > 0) parts.push(`${o.skipped} skipped`);
  return `${name}: ${parts.join(', ')}.`;
}

/** RSS and Atom feeds whose new items become drafts or queued posts. */
export function FeedsPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Feeds', workspace.name);
  const canWrite = can(workspace, 'posts.write');
  const idPrefix = useId();
  const feeds = useAsync((signal) => api.feeds(workspace.id, signal).then((r) => r.feeds), [workspace.id]);
  const channels = useAsync(
    (signal) =>
      can(workspace, 'channels.read')
        ? api.channels(workspace.id, signal).then((r) => r.channels)
        : Promise.resolve<Channel[]>([]),
    [workspace.id],
  );
  const [status, setStatus] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [itemsOf, setItemsOf] = useState<string | null>(null);
  const [itemsRefresh, setItemsRefresh] = useState(0);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const action = useAction({ exclusive: false });
  const itemsPanelId = `${idPrefix}-items`;
  const itemsFeed = feeds.data?.find((f) => f.id === itemsOf);

  const replace = (updated: Feed): void =>
    feeds.setData((list) => list?.map((f) => (f.id === updated.id ? updated : f)));
  const channelNames = (feed: Feed): string =>
    feed.channelIds
      .map((id) => channels.data?.find((c) => c.id === id)?.name ?? 'a removed channel')
      .join(', ');
  const buttonId = (feed: Feed, what: string) => `${idPrefix}-${feed.id}-${what}`;

  async function act(feed: Feed, work: () => Promise<void>): Promise<void> {
    setStatus('');
    setPendingId(feed.id);
    await action.run(work);
    setPendingId(null);
  }

  const pollNow = (feed: Feed) =>
    act(feed, async () => {
      const { feed: updated, outcome } = await api.pollFeed(workspace.id, feed.id);
      replace(updated);
      setStatus(describeOutcome(updated, outcome));
      setItemsRefresh((n) => n + 1);
    });

  const togglePaused = (feed: Feed) =>
    act(feed, async () => {
      const { feed: updated } = await api.updateFeed(workspace.id, feed.id, { active: !feed.active });
      replace(updated);
      setStatus(
        updated.active
          ? `${feedName(updated)} is active again: it is polled within a few minutes.`
          : `${feedName(updated)} is paused: it is not polled until it is resumed.`,
      );
      document.getElementById(buttonId(feed, 'pause'))?.focus();
    });

  const remove = (feed: Feed) => {
    if (!window.confirm(`Unsubscribe from ${feedName(feed)}? The posts it made stay.`)) return;
    void act(feed, async () => {
      await api.deleteFeed(workspace.id, feed.id);
      feeds.setData((list) => list?.filter((f) => f.id !== feed.id));
      if (itemsOf === feed.id) setItemsOf(null);
      setStatus(`Unsubscribed from ${feedName(feed)}.`);
    });
  };

  return (
    <div className="stack">
      <PageHeading>Feeds</PageHeading>
      <p className="lead">
        Chorus reads RSS and Atom feeds every 15 minutes and turns each new item into a draft or a queued post
        for the channels you choose.
      </p>
      <ErrorAlert error={feeds.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {feeds.loading && !feeds.data ? <p className="muted">Loading feeds…</p> : null}
      {feeds.data?.length === 0 ? (
        <p className="muted">No feeds yet.{canWrite ? ' Add one below.' : ''}</p>
      ) : null}
      {feeds.data && feeds.data.length > 0 ? (
        <ul className="rows" aria-label="Feeds">
          {feeds.data.map((feed) => {
            const name = feedName(feed);
            const busy = pendingId === feed.id;
            const guard = (fn: () => void) => (busy ? undefined : fn);
            return (
              <li key={feed.id} className={feed.active ? 'row' : 'row row-inactive'}>
                <div className="row-main">
                  <div className="row-title">
                    <strong className="break">{name}</strong>
                    <span className={feed.active ? 'badge badge-connected' : 'badge badge-disconnected'}>
                      {feed.active ? 'Active' : 'Paused'}
                    </span>
                    {feed.lastError ? <span className="badge badge-attention">Error</span> : null}
                  </div>
                  {feed.title ? <code className="break">{feed.url}</code> : null}
                  <dl className="facts">
                    <div>
                      <dt>Posts to</dt>
                      <dd className="break">{channelNames(feed)}</dd>
                    </div>
                    <div>
                      <dt>New items become</dt>
                      <dd>{feed.target === 'queue' ? 'Queued posts' : 'Drafts'}</dd>
                    </div>
                    <div>
                      <dt>Format</dt>
                      <dd>{FORMATS[feed.format]}</dd>
                    </div>
                    <div>
                      <dt>Last polled</dt>
                      <dd>
                        {feed.lastPolledAt ? (
                          <time dateTime={feed.lastPolledAt} title={formatDateTime(feed.lastPolledAt)}>
                            {formatRelative(feed.lastPolledAt)}
                          </time>
                        ) : (
                          'Never'
                        )}
                      </dd>
                    </div>
                    {feed.active && feed.nextPollAt ? (
                      <div>
                        <dt>Next poll</dt>
                        <dd>
                          <time dateTime={feed.nextPollAt} title={formatDateTime(feed.nextPollAt)}>
                            {formatRelative(feed.nextPollAt)}
                          </time>
                        </dd>
                      </div>
                    ) : null}
                  </dl>
                  {feed.lastError ? (
                    <p className="channel-error">
                      <span className="channel-error-label">
                        Last error{feed.failureCount > 1 ? ` (${feed.failureCount} polls in a row)` : ''}:
                      </span>{' '}
                      {feed.lastError}
                    </p>
                  ) : null}
                </div>
                <div className="actions">
                  <button
                    type="button"
                    className="button-secondary"
                    aria-label={`Items of ${name}`}
                    aria-expanded={itemsOf === feed.id}
                    aria-controls={itemsOf === feed.id ? itemsPanelId : undefined}
                    id={buttonId(feed, 'items')}
                    onClick={() => setItemsOf((current) => (current === feed.id ? null : feed.id))}
                  >
                    Items
                  </button>
                  {canWrite ? (
                    <>
                      {feed.active ? (
                        <button
                          type="button"
                          className="button-secondary"
                          aria-label={`Poll ${name} now`}
                          aria-disabled={busy || undefined}
                          onClick={guard(() => void pollNow(feed))}
                        >
                          {busy ? 'Working…' : 'Poll now'}
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="button-secondary"
                        aria-label={`Edit ${name}`}
                        aria-expanded={editing === feed.id}
                        onClick={() => setEditing((current) => (current === feed.id ? null : feed.id))}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        id={buttonId(feed, 'pause')}
                        className="button-secondary"
                        aria-label={`${feed.active ? 'Pause' : 'Resume'} ${name}`}
                        aria-disabled={busy || undefined}
                        onClick={guard(() => void togglePaused(feed))}
                      >
                        {feed.active ? 'Pause' : 'Resume'}
                      </button>
                      <button
                        type="button"
                        className="button-danger"
                        aria-label={`Unsubscribe from ${name}`}
                        aria-disabled={busy || undefined}
                        onClick={guard(() => remove(feed))}
                      >
                        Unsubscribe
                      </button>
                    </>
                  ) : null}
                </div>
                {editing === feed.id ? (
                  <section className="panel feed-edit" aria-label={`Edit ${name}`}>
                    <FeedForm
                      workspace={workspace}
                      channels={channels.data}
                      feed={feed}
                      submitLabel="Save feed"
                      onCancel={() => {
                        setEditing(null);
                        document.getElementById(buttonId(feed, 'items'))?.focus();
                      }}
                      onSubmit={async (values) => {
                        const { feed: updated } = await api.updateFeed(workspace.id, feed.id, {
                          channelIds: values.channelIds,
                          target: values.target,
                          template: values.template,
                        });
                        replace(updated);
                        setEditing(null);
                        setStatus(`${feedName(updated)} was saved. New items are posted as you from now on.`);
                      }}
                    />
                  </section>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}

      {itemsFeed ? (
        <FeedItems
          key={itemsFeed.id}
          id={itemsPanelId}
          workspace={workspace}
          feed={itemsFeed}
          refreshKey={itemsRefresh}
          onClose={() => {
            setItemsOf(null);
            document.getElementById(buttonId(itemsFeed, 'items'))?.focus();
          }}
        />
      ) : null}

      {canWrite ? (
        <section className="panel" aria-labelledby={`${idPrefix}-add`}>
          <h2 id={`${idPrefix}-add`}>Add a feed</h2>
          <FeedForm
            workspace={workspace}
            channels={channels.data}
            submitLabel="Subscribe"
            onSubmit={async (values) => {
              const { feed, imported } = await api.createFeed(workspace.id, {
                url: values.url,
                channelIds: values.channelIds,
                target: values.target,
                template: values.template,
                ...(values.importLatest > 0 ? { importLatest: values.importLatest } : {}),
              });
              feeds.setData((list) => [...(list ?? []), feed]);
              setStatus(
                `Subscribed to ${feedName(feed)}.${imported.posted > 0 ? ` ${imported.posted} of its newest items were posted.` : ' New items will be posted from now on.'}`,
              );
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
