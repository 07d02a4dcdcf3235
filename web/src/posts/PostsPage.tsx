import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatInZone } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { Link } from '../router.js';
import type { DeliveryState, Post, Workspace } from '../types.js';
import { useChannelDirectory } from './channels.js';
import type { ChannelDirectory } from './channels.js';
import { DELIVERY_STATES, DELIVERY_STATE_LABELS, DeliveryBadge, PostStatusBadge, excerpt } from './labels.js';

const PAGE_SIZE = 25;

function isDeliveryState(value: string): value is DeliveryState {
  return (DELIVERY_STATES as readonly string[]).includes(value);
}

function PostTime({ post, timeZone }: { post: Post; timeZone: string }) {
  if (!post.scheduledAt) return <span className="muted">Not scheduled</span>;
  return (
    <span>
      <span className="visually-hidden">Goes out </span>
      <time dateTime={post.scheduledAt}>{formatInZone(post.scheduledAt, timeZone)}</time>
    </span>
  );
}

function PostItem({
  post,
  workspace,
  directory,
}: {
  post: Post;
  workspace: Workspace;
  directory: ChannelDirectory;
}) {
  const deliveries = post.deliveries.filter(
    (delivery) => delivery.state !== 'cancelled' || post.status === 'cancelled',
  );
  return (
    <li className="row post-row">
      <div className="row-main">
        <div className="row-title">
          <Link to={workspacePath(workspace, `posts/${encodeURIComponent(post.id)}`)} className="post-link">
            {excerpt(post.body)}
          </Link>
        </div>
        <div className="post-meta">
          <PostStatusBadge status={post.status} />
          <PostTime post={post} timeZone={workspace.timezone} />
        </div>
        {deliveries.length > 0 ? (
          <ul className="chips" aria-label="Channels">
            {deliveries.map((delivery) => (
              <li key={delivery.id} className="chip">
                <span className="chip-name">{directory.name(delivery.channelId)}</span>
                <span className="visually-hidden">: </span>
                <DeliveryBadge state={delivery.state} />
              </li>
            ))}
          </ul>
        ) : (
          <ul className="chips" aria-label="Channels">
            {post.channels.map((channel) => (
              <li key={channel.channelId} className="chip">
                <span className="chip-name">{directory.name(channel.channelId)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

/** Every post, newest first, with where each one stands on every channel (the calendar's list view). */
export function PostsPage({ workspace, embedded = false }: { workspace: Workspace; embedded?: boolean }) {
  useDocumentTitle('Calendar', workspace.name);
  const [state, setState] = useState<DeliveryState | ''>('');
  const directory = useChannelDirectory(workspace);
  const first = useAsync(
    (signal) =>
      api.posts(workspace.id, { limit: PAGE_SIZE, state: state || null }, signal).then((r) => r.posts),
    [workspace.id, state],
  );
  const [older, setOlder] = useState<Post[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const endRef = useRef<HTMLParagraphElement>(null);
  const action = useAction();
  // Coming back from deleting a post: say so, then tidy the address.
  const [deleted] = useState(() => new URLSearchParams(window.location.search).has('deleted'));
  useEffect(() => {
    if (deleted) window.history.replaceState(null, '', window.location.pathname);
  }, [deleted]);

  useEffect(() => {
    setOlder([]);
    setExhausted(false);
  }, [workspace.id, state]);

  const firstPosts = first.data ?? [];
  const seen = new Set(firstPosts.map((post) => post.id));
  const posts = [...firstPosts, ...older.filter((post) => !seen.has(post.id))];
  const hasMore = !exhausted && firstPosts.length === PAGE_SIZE;
  const last = posts[posts.length - 1];

  function loadMore(): void {
    if (!last) return;
    void action.run(async () => {
      const page = await api.posts(workspace.id, {
        limit: PAGE_SIZE,
        before: last.createdAt,
        state: state || null,
      });
      setOlder((list) => [...list, ...page.posts]);
      if (page.posts.length < PAGE_SIZE) {
        setExhausted(true);
        requestAnimationFrame(() => endRef.current?.focus());
      }
    });
  }

  function refresh(): void {
    setOlder([]);
    setExhausted(false);
    first.reload();
  }

  const stateLabel = state ? DELIVERY_STATE_LABELS[state].toLowerCase() : '';

  return (
    <div className="stack">
      {embedded ? null : <PageHeading>Calendar</PageHeading>}
      <p className="lead">
        Every post in {workspace.name}, newest first, and where it stands on each channel. Times are in{' '}
        {workspace.timezone}.
      </p>
      <StatusMessage>{deleted ? 'The post was deleted.' : ''}</StatusMessage>
      <div className="toolbar">
        <SelectField
          label="Delivery state"
          value={state}
          onChange={(e) => setState(isDeliveryState(e.target.value) ? e.target.value : '')}
        >
          <option value="">Any state</option>
          {DELIVERY_STATES.map((option) => (
            <option key={option} value={option}>
              {DELIVERY_STATE_LABELS[option]}
            </option>
          ))}
        </SelectField>
        <div className="toolbar-actions">
          <button
            type="button"
            className="button-secondary"
            onClick={refresh}
            aria-disabled={first.loading || undefined}
          >
            Refresh
          </button>
          {can(workspace, 'posts.write') ? (
            <Link to={workspacePath(workspace, 'compose')} className="button-link">
              New post
            </Link>
          ) : null}
        </div>
      </div>
      <ErrorAlert error={first.error} />
      <ErrorAlert error={directory.channels.error} />
      {first.loading && !first.data ? <p className="muted">Loading posts…</p> : null}
      {first.data && posts.length === 0 ? (
        <p className="muted">{state ? `No post has a delivery that is ${stateLabel}.` : 'No posts yet.'}</p>
      ) : null}
      {posts.length > 0 ? (
        <ul className="rows" aria-label={state ? `Posts with a delivery that is ${stateLabel}` : 'Posts'}>
          {posts.map((post) => (
            <PostItem key={post.id} post={post} workspace={workspace} directory={directory} />
          ))}
        </ul>
      ) : null}
      <ErrorAlert error={action.error} />
      {hasMore ? (
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
      ) : posts.length > 0 && (exhausted || first.data) ? (
        <p ref={endRef} tabIndex={-1} className="muted">
          This is the oldest post.
        </p>
      ) : null}
    </div>
  );
}
