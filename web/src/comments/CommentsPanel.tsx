import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, request } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextAreaField } from '../components/Fields.js';
import { formatRelative } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import type { Workspace } from '../types.js';

interface Comment {
  id: string;
  postId: string;
  channelId: string | null;
  parentId: string | null;
  authorId: string | null;
  authorName: string | null;
  body: string;
  mentions: string[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;

/**
 * A post's comments, threaded: on the whole post or on one channel's version, with replies and mentions
 * (the people mentioned are told in the app). Authors edit and delete their own; people who may publish
 * delete any.
 */
export function CommentsPanel({
  workspace,
  postId,
  userId,
  channels,
}: {
  workspace: Workspace;
  postId: string;
  userId: string;
  channels: { id: string; name: string }[];
}) {
  const comments = useAsync(
    (signal) =>
      request<{ comments: Comment[] }>(`${base(workspace.id)}/posts/${encodeURIComponent(postId)}/comments`, {
        signal,
      }).then((r) => r.comments),
    [workspace.id, postId],
  );
  const members = useAsync(
    (signal) =>
      can(workspace, 'members.read')
        ? api.members(workspace.id, signal).then((r) => r.members)
        : Promise.resolve([]),
    [workspace.id],
  );
  const action = useAction();
  const [replyTo, setReplyTo] = useState<Comment | null>(null);
  const list = comments.data ?? [];
  const roots = list.filter((c) => !c.parentId || !list.some((p) => p.id === c.parentId));
  const childrenOf = (id: string) => list.filter((c) => c.parentId === id);
  const channelName = (id: string | null) => channels.find((c) => c.id === id)?.name;

  function remove(comment: Comment): void {
    void action.run(async () => {
      await request(`${base(workspace.id)}/comments/${encodeURIComponent(comment.id)}`, { method: 'DELETE' });
      comments.reload();
    });
  }

  function renderComment(comment: Comment, depth: number) {
    const replies = childrenOf(comment.id);
    const mayDelete = !comment.deleted && (comment.authorId === userId || can(workspace, 'posts.publish'));
    return (
      <li
        key={comment.id}
        className="comment"
        style={{ marginInlineStart: `${Math.min(depth, 4) * 1.25}rem` }}
      >
        <p className="comment-meta">
          <strong>{comment.authorName ?? 'Someone'}</strong>{' '}
          <time dateTime={comment.createdAt}>{formatRelative(comment.createdAt)}</time>
          {comment.editedAt ? <span className="muted"> · edited</span> : null}
          {comment.channelId ? (
            <span className="muted"> · on {channelName(comment.channelId) ?? 'a version'}</span>
          ) : null}
        </p>
        {comment.deleted ? (
          <p className="muted">This comment was deleted.</p>
        ) : (
          <p className="comment-body">{comment.body}</p>
        )}
        <div className="actions">
          {!comment.deleted ? (
            <button type="button" className="link-button" onClick={() => setReplyTo(comment)}>
              Reply<span className="visually-hidden"> to {comment.authorName ?? 'this comment'}</span>
            </button>
          ) : null}
          {mayDelete ? (
            <button type="button" className="link-button" onClick={() => remove(comment)}>
              Delete<span className="visually-hidden"> the comment by {comment.authorName ?? 'someone'}</span>
            </button>
          ) : null}
        </div>
        {replies.length > 0 ? (
          <ul className="comments">{replies.map((r) => renderComment(r, depth + 1))}</ul>
        ) : null}
      </li>
    );
  }

  return (
    <section className="panel stack" aria-labelledby="post-comments-heading">
      <h2 id="post-comments-heading">Comments</h2>
      <ErrorAlert error={comments.error} />
      {comments.data && list.length === 0 ? <p className="muted">No comments yet.</p> : null}
      {list.length > 0 ? (
        <ul className="comments" aria-label="Comments">
          {roots.map((c) => renderComment(c, 0))}
        </ul>
      ) : null}
      <CommentForm
        workspace={workspace}
        postId={postId}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        channels={channels}
        members={(members.data ?? [])
          .filter((m) => m.userId !== userId)
          .map((m) => ({ id: m.userId, name: m.name }))}
        onSaved={() => {
          setReplyTo(null);
          comments.reload();
        }}
      />
      <ErrorAlert error={action.error} />
    </section>
  );
}

function CommentForm({
  workspace,
  postId,
  replyTo,
  onCancelReply,
  channels,
  members,
  onSaved,
}: {
  workspace: Workspace;
  postId: string;
  replyTo: Comment | null;
  onCancelReply: () => void;
  channels: { id: string; name: string }[];
  members: { id: string; name: string }[];
  onSaved: () => void;
}) {
  const [body, setBody] = useState('');
  const [channelId, setChannelId] = useState('');
  const [mention, setMention] = useState('');
  const [mentions, setMentions] = useState<{ id: string; name: string }[]>([]);
  const action = useAction();

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const ok = await action.run(async () => {
      await request(`${base(workspace.id)}/posts/${encodeURIComponent(postId)}/comments`, {
        method: 'POST',
        body: {
          body,
          ...(replyTo ? { parentId: replyTo.id } : channelId ? { channelId } : {}),
          ...(mentions.length > 0 ? { mentions: mentions.map((m) => m.id) } : {}),
        },
      });
    });
    if (ok) {
      setBody('');
      setMentions([]);
      onSaved();
    }
  }

  function addMention(id: string): void {
    const member = members.find((m) => m.id === id);
    if (!member || mentions.some((m) => m.id === id)) return;
    setMentions([...mentions, member]);
    setBody((text) => `${text}${text && !text.endsWith(' ') ? ' ' : ''}@${member.name} `);
    setMention('');
  }

  return (
    <form
      className="stack"
      onSubmit={(e) => void submit(e)}
      aria-label={replyTo ? 'Reply to a comment' : 'Add a comment'}
    >
      {replyTo ? (
        <p>
          Replying to {replyTo.authorName ?? 'a comment'}.{' '}
          <button type="button" className="link-button" onClick={onCancelReply}>
            Cancel the reply
          </button>
        </p>
      ) : channels.length > 1 ? (
        <SelectField label="About" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          <option value="">The whole post</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              The version for {c.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      <TextAreaField
        label="Comment"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        maxLength={5000}
        rows={3}
      />
      {members.length > 0 ? (
        <SelectField label="Mention someone" value={mention} onChange={(e) => addMention(e.target.value)}>
          <option value="">Choose a member to tell…</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {mentions.length > 0 ? (
        <p className="muted">
          Will be told: {mentions.map((m) => m.name).join(', ')}{' '}
          <button type="button" className="link-button" onClick={() => setMentions([])}>
            Clear
          </button>
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" aria-disabled={action.busy || undefined}>
          {replyTo ? 'Post reply' : 'Post comment'}
        </button>
      </div>
      <ErrorAlert error={action.error} />
    </form>
  );
}
