import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatInZone, formatLateness } from '../format.js';
import { useAction, useAsync, useDocumentTitle, useInterval } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { Link, navigate } from '../router.js';
import type { Delivery, DeliveryState, Post, PostChannel, Workspace } from '../types.js';
import { CommentsPanel } from '../comments/CommentsPanel.js';
import { ApprovalPanel } from '../approvals/ApprovalPanel.js';
import { useSession } from '../session.js';
import { ActivityPanel } from './ActivityPanel.js';
import { AttemptHistory } from './AttemptHistory.js';
import { useChannelDirectory, useNetworkNames } from './channels.js';
import { EditPostForm } from './EditPostForm.js';
import { DELIVERY_STATE_LABELS, DeliveryBadge, PostStatusBadge, excerpt } from './labels.js';
import { ResolveDelivery } from './ResolveDelivery.js';

const CREATED_MESSAGES: Record<string, string> = {
  now: 'The post was created and is being sent.',
  time: 'The post was created and is scheduled.',
  draft: 'The draft was saved.',
  queue: 'The post was created and takes the next free slot of each channel’s queue.',
  idea: 'The idea was saved.',
};

/** What Compose says it did about approval, after saving. */
const APPROVAL_MESSAGES: Record<string, string> = {
  submitted: 'It was submitted for approval.',
  failed: 'It could not be submitted for approval: see the Approval panel and submit it again.',
};

/** How often to look again: often while something is about to change, rarely while it waits. */
function pollInterval(post: Post | undefined): number | null {
  if (!post) return null;
  const soon = Date.now() + 2 * 60_000;
  let interval: number | null = null;
  for (const delivery of post.deliveries) {
    if (delivery.state === 'sending') return 3000;
    if (delivery.state === 'scheduled') {
      if (Date.parse(delivery.nextAttemptAt ?? delivery.dueAt) <= soon) return 3000;
      interval = 30_000;
    }
    if (delivery.state === 'unconfirmed') interval = Math.min(interval ?? 10_000, 10_000);
    if (delivery.state === 'paused') interval = interval ?? 30_000;
  }
  return interval;
}

const statesOf = (post: Post): Map<string, DeliveryState> =>
  new Map(post.deliveries.map((delivery) => [delivery.id, delivery.state]));

interface ChannelEntry {
  channelId: string;
  variant: PostChannel | undefined;
  delivery: Delivery | undefined;
}

/** One entry per channel the post is (or was) meant for. */
function channelEntries(post: Post): ChannelEntry[] {
  const ids = [
    ...new Set([
      ...post.channels.map((channel) => channel.channelId),
      ...post.deliveries.map((delivery) => delivery.channelId),
    ]),
  ];
  return ids.map((channelId) => ({
    channelId,
    variant: post.channels.find((channel) => channel.channelId === channelId),
    delivery: post.deliveries.find((delivery) => delivery.channelId === channelId),
  }));
}

function Schedule({ post, timeZone }: { post: Post; timeZone: string }) {
  if (!post.scheduledAt) return <>Not scheduled (a draft)</>;
  const zone = post.scheduleTimeZone ?? timeZone;
  return (
    <>
      <time dateTime={post.scheduledAt}>{formatInZone(post.scheduledAt, zone)}</time> ({zone})
    </>
  );
}

interface ChannelDeliveryProps {
  workspace: Workspace;
  post: Post;
  entry: ChannelEntry;
  channelName: string;
  networkName: string;
  canPublish: boolean;
  onResolved: (delivery: Delivery, message: string) => void;
}

function ChannelDelivery({
  workspace,
  post,
  entry,
  channelName,
  networkName,
  canPublish,
  onResolved,
}: ChannelDeliveryProps) {
  const headingId = useId();
  const { delivery, variant } = entry;
  const zone = workspace.timezone;
  const attempts = (post.attempts ?? []).filter((attempt) => attempt.deliveryId === delivery?.id);
  return (
    <li className="panel delivery" aria-labelledby={headingId}>
      <div className="delivery-head">
        <h3 id={headingId}>{channelName}</h3>
        {delivery ? (
          <DeliveryBadge state={delivery.state} />
        ) : (
          <span className="badge badge-disconnected">Not scheduled</span>
        )}
      </div>
      {delivery?.url ? (
        <p>
          <a href={delivery.url} target="_blank" rel="noreferrer">
            View on {networkName}
          </a>
        </p>
      ) : null}
      {delivery && delivery.state !== 'published' && delivery.reason ? (
        <p
          className={
            delivery.state === 'scheduled' || delivery.state === 'paused'
              ? 'delivery-reason delivery-note'
              : 'delivery-reason'
          }
        >
          {delivery.reason}
        </p>
      ) : null}
      {delivery ? (
        <dl className="facts">
          {delivery.publishedAt ? (
            <div>
              <dt>Published</dt>
              <dd>
                <time dateTime={delivery.publishedAt}>{formatInZone(delivery.publishedAt, zone)}</time>
              </dd>
            </div>
          ) : (
            <div>
              <dt>Due</dt>
              <dd>
                <time dateTime={delivery.dueAt}>{formatInZone(delivery.dueAt, zone)}</time>
              </dd>
            </div>
          )}
          {delivery.latenessMs !== null ? (
            <div>
              <dt>Lateness</dt>
              <dd>{formatLateness(delivery.latenessMs)}</dd>
            </div>
          ) : null}
          {delivery.nextAttemptAt && delivery.state === 'scheduled' ? (
            <div>
              <dt>Next try</dt>
              <dd>
                <time dateTime={delivery.nextAttemptAt}>{formatInZone(delivery.nextAttemptAt, zone)}</time>
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Attempts</dt>
            <dd>{delivery.attempts}</dd>
          </div>
        </dl>
      ) : null}
      {variant?.body != null ? (
        <div className="channel-text">
          <h4>Text for this channel</h4>
          <p className="post-text">{variant.body}</p>
        </div>
      ) : null}
      {delivery?.state === 'unconfirmed' && canPublish ? (
        <ResolveDelivery
          workspace={workspace}
          delivery={delivery}
          channelName={channelName}
          onResolved={onResolved}
        />
      ) : null}
      {delivery ? <AttemptHistory attempts={attempts} timeZone={zone} /> : null}
    </li>
  );
}

/** One post: its text and time, and per channel where it stands, why, and every attempt. */
export function PostPage({ workspace, postId }: { workspace: Workspace; postId: string }) {
  const { me } = useSession();
  const resource = useAsync(
    (signal) => api.post(workspace.id, postId, signal).then((r) => r.post),
    [workspace.id, postId],
  );
  const post = resource.data;
  useDocumentTitle(post ? excerpt(post.body, 40) : 'Post', workspace.name);
  const directory = useChannelDirectory(workspace);
  const networkName = useNetworkNames();
  const editNoteId = useId();
  const canWrite = can(workspace, 'posts.write');
  const canPublish = can(workspace, 'posts.publish');
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const editButtonRef = useRef<HTMLButtonElement>(null);
  // Coming from Compose: say what happened, then tidy the address.
  const [status, setStatus] = useState(() => {
    const query = new URLSearchParams(window.location.search);
    const created = CREATED_MESSAGES[query.get('created') ?? ''] ?? '';
    const approval = APPROVAL_MESSAGES[query.get('approval') ?? ''] ?? '';
    return [created, approval].filter(Boolean).join(' ');
  });
  useEffect(() => {
    if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  useInterval(resource.reload, pollInterval(post));

  // Announce what changed on a channel since the page last looked (the post was published, it failed).
  const seen = useRef<Map<string, DeliveryState> | null>(null);
  useEffect(() => {
    if (!post) return;
    const before = seen.current;
    seen.current = statesOf(post);
    if (!before) return;
    const changes = post.deliveries
      .filter((delivery) => before.has(delivery.id) && before.get(delivery.id) !== delivery.state)
      .map((delivery) => `${directory.name(delivery.channelId)}: ${DELIVERY_STATE_LABELS[delivery.state]}.`);
    if (changes.length > 0) setStatus(changes.join(' '));
  }, [post]);

  /** Shows a post the server just returned, with our own message rather than a list of changes. */
  function adopt(next: Post, message: string): void {
    seen.current = statesOf(next);
    resource.setData(next);
    setStatus(message);
  }

  if (resource.error?.status === 404) {
    return (
      <div className="stack">
        <PageHeading>Post not found</PageHeading>
        <div role="alert" className="alert">
          This post does not exist or was deleted.
        </div>
        <p>
          <Link to={workspacePath(workspace, 'calendar')}>Back to the calendar</Link>
        </p>
      </div>
    );
  }

  const failed = post?.deliveries.filter((delivery) => delivery.state === 'failed') ?? [];
  const sending = post?.deliveries.some((delivery) => delivery.state === 'sending') ?? false;

  /** Keeps keyboard focus on the channels when the control that had it goes away. */
  function focusChannels(): void {
    requestAnimationFrame(() => document.getElementById('post-channels-heading')?.focus());
  }

  function retry(): void {
    if (!post) return;
    const names = failed.map((delivery) => directory.name(delivery.channelId)).join(', ');
    setStatus('');
    void action.run(async () => {
      const { post: next } = await api.retryPost(workspace.id, post.id);
      adopt(next, `Sending again to ${names}.`);
      focusChannels();
    });
  }

  function remove(): void {
    if (!post) return;
    const question =
      'Delete this post? Channels it has not gone out to yet will not receive it. ' +
      'Where it is already published it stays on the network: remove it there if you need to.';
    if (!window.confirm(question)) return;
    void action.run(async () => {
      await api.deletePost(workspace.id, post.id);
      navigate(workspacePath(workspace, 'calendar?deleted=1'), { focusHeading: true });
    });
  }

  function resolved(delivery: Delivery, message: string): void {
    if (!post) return;
    adopt(
      {
        ...post,
        deliveries: post.deliveries.map((candidate) => (candidate.id === delivery.id ? delivery : candidate)),
      },
      message,
    );
    resource.reload();
    focusChannels();
  }

  function closeEditor(): void {
    setEditing(false);
    requestAnimationFrame(() => editButtonRef.current?.focus());
  }

  return (
    <div className="stack">
      <p>
        <Link to={workspacePath(workspace, 'calendar')}>← Calendar</Link>
      </p>
      <div className="post-heading">
        <PageHeading>Post</PageHeading>
        {post ? <PostStatusBadge status={post.status} /> : null}
      </div>
      <ErrorAlert error={resource.error} />
      <StatusMessage>{status}</StatusMessage>
      {resource.loading && !post ? <p className="muted">Loading the post…</p> : null}
      {post ? (
        <>
          <section className="panel stack" aria-labelledby="post-text-heading">
            <h2 id="post-text-heading" className="visually-hidden">
              Text
            </h2>
            <p className="post-text">{post.body || <span className="muted">No text</span>}</p>
            <dl className="facts">
              <div>
                <dt>Planned for</dt>
                <dd>
                  <Schedule post={post} timeZone={workspace.timezone} />
                </dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <time dateTime={post.createdAt}>{formatInZone(post.createdAt, workspace.timezone)}</time>
                </dd>
              </div>
            </dl>
          </section>
          <ApprovalPanel
            workspace={workspace}
            postId={post.id}
            version={post.updatedAt}
            onChanged={resource.reload}
          />
          {(canPublish && failed.length > 0) || canWrite ? (
            <div className="actions">
              {canPublish && failed.length > 0 ? (
                <button type="button" onClick={retry} aria-disabled={action.busy || undefined}>
                  Retry failed deliveries
                </button>
              ) : null}
              {canWrite && !editing ? (
                <button
                  type="button"
                  ref={editButtonRef}
                  className="button-secondary"
                  aria-disabled={sending || action.busy || undefined}
                  aria-describedby={sending ? editNoteId : undefined}
                  onClick={sending || action.busy ? undefined : () => setEditing(true)}
                >
                  Edit
                </button>
              ) : null}
              {canWrite ? (
                <button
                  type="button"
                  className="button-danger"
                  aria-disabled={action.busy || undefined}
                  onClick={action.busy ? undefined : remove}
                >
                  Delete
                </button>
              ) : null}
            </div>
          ) : null}
          {canWrite && sending ? (
            <p id={editNoteId} className="hint">
              The post is being sent right now; you can edit it once sending has finished.
            </p>
          ) : null}
          <ErrorAlert error={action.error} />
          {editing ? (
            <EditPostForm
              workspace={workspace}
              post={post}
              onSaved={(saved, message) => {
                adopt({ ...saved, attempts: saved.attempts ?? post.attempts }, message);
                resource.reload();
                closeEditor();
              }}
              onCancel={closeEditor}
            />
          ) : null}
          <section className="stack" aria-labelledby="post-channels-heading">
            <h2 id="post-channels-heading" tabIndex={-1}>
              Channels
            </h2>
            <ul className="deliveries">
              {channelEntries(post).map((entry) => (
                <ChannelDelivery
                  key={entry.channelId}
                  workspace={workspace}
                  post={post}
                  entry={entry}
                  channelName={directory.name(entry.channelId)}
                  networkName={networkName(directory.channel(entry.channelId)?.network)}
                  canPublish={canPublish}
                  onResolved={resolved}
                />
              ))}
            </ul>
          </section>
          <ActivityPanel
            workspace={workspace}
            postId={post.id}
            channelName={directory.name}
            version={post.updatedAt + post.deliveries.map((d) => d.state).join()}
          />
          <CommentsPanel
            workspace={workspace}
            postId={post.id}
            userId={me.user.id}
            channels={post.channels.map((c) => ({ id: c.channelId, name: directory.name(c.channelId) }))}
          />
        </>
      ) : null}
    </div>
  );
}
