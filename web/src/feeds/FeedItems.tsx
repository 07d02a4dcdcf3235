import { useEffect, useRef } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../format.js';
import { useAsync } from '../hooks.js';
import { workspacePath } from '../permissions.js';
import { Link } from '../router.js';
import type { Feed, FeedItem, Workspace } from '../types.js';

const STATUS_LABELS: Record<FeedItem['status'], string> = {
  seen: 'Already in the feed',
  pending: 'Being posted',
  posted: 'Posted',
  failed: 'Failed',
  skipped: 'Skipped',
};

interface FeedItemsProps {
  id: string;
  workspace: Workspace;
  feed: Feed;
  refreshKey: number;
  onClose: () => void;
}

/** The feed's recent items and what became of each: the post it made, or why it made none. */
export function FeedItems({ id, workspace, feed, refreshKey, onClose }: FeedItemsProps) {
  const items = useAsync(
    (signal) => api.feedItems(workspace.id, feed.id, signal).then((r) => r.items),
    [workspace.id, feed.id, refreshKey],
  );
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [feed.id]);
  const name = feed.title || feed.url;

  return (
    <section id={id} className="panel" aria-labelledby={`${id}-heading`}>
      <div className="panel-heading">
        <h3 id={`${id}-heading`} ref={heading} tabIndex={-1} className="break">
          Items of {name}
        </h3>
        <button type="button" className="button-secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorAlert error={items.error} />
      {items.loading && !items.data ? <p className="muted">Loading items…</p> : null}
      {items.data?.length === 0 ? <p className="muted">No items yet.</p> : null}
      {items.data && items.data.length > 0 ? (
        <ul className="rows" aria-label={`Items of ${name}`}>
          {items.data.map((item) => (
            <li key={item.id} className="row">
              <div className="row-main">
                <div className="row-title">
                  <strong className="break">{item.title || item.link || item.key}</strong>
                  <span className={item.status === 'failed' ? 'badge badge-attention' : 'badge'}>
                    {STATUS_LABELS[item.status]}
                  </span>
                </div>
                <dl className="facts">
                  {item.publishedAt ? (
                    <div>
                      <dt>Published</dt>
                      <dd>
                        <time dateTime={item.publishedAt}>{formatDateTime(item.publishedAt)}</time>
                      </dd>
                    </div>
                  ) : null}
                  <div>
                    <dt>Seen</dt>
                    <dd>
                      <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                    </dd>
                  </div>
                </dl>
                {item.error ? <p className="channel-error">{item.error}</p> : null}
              </div>
              <div className="actions">
                {item.link ? (
                  <a href={item.link} target="_blank" rel="noreferrer noopener" className="button-link">
                    Open item<span className="visually-hidden">: {item.title || item.link}</span>
                  </a>
                ) : null}
                {item.postId ? (
                  <Link to={workspacePath(workspace, `posts/${item.postId}`)} className="button-link">
                    View post
                    <span className="visually-hidden"> of {item.title || item.link || 'this item'}</span>
                  </Link>
                ) : item.status === 'posted' ? (
                  <span className="muted">Post deleted</span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
