import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatDateTime } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { NetworkPreview } from '../posts/NetworkPreview.js';
import { approvalsApi, refusalReason } from './approvals-api.js';
import type { LinkItem, LinkSnapshotChannel, LinkView } from './approvals-api.js';
import { DecisionForm } from './DecisionForm.js';
import { DECISION_LABELS } from './labels.js';
import { ChangesList } from './RequestParts.js';
import './approvals.css';

const REFUSALS: Record<string, { title: string; advice: string }> = {
  link_invalid: {
    title: 'This link does not work',
    advice:
      'The address may be incomplete: open the link from the e-mail again. If it still does not work, ask the sender for a new link.',
  },
  link_expired: {
    title: 'This link has expired',
    advice: 'Links to approve posts work for a limited time. Ask the sender for a new link.',
  },
  link_revoked: {
    title: 'This link was withdrawn',
    advice:
      'The sender cancelled it. If you still need to review these posts, ask the sender for a new link.',
  },
  link_used: {
    title: 'Everything here is already decided',
    advice:
      'Thank you: nothing is left to decide with this link. To change a decision, ask the sender for a new link.',
  },
};

/** A refusal that ends the page (the link cannot be used), or null. */
function linkRefusal(error: ApiError | null): { error: ApiError; title: string; advice: string } | null {
  const reason = error ? refusalReason(error) : null;
  const known = reason ? REFUSALS[reason] : undefined;
  return error && known ? { error, ...known } : null;
}

function Refusal({ error }: { error: ApiError }) {
  const known = linkRefusal(error);
  useDocumentTitle(known?.title ?? 'Approval');
  return (
    <main id="main" className="client-approval client-refusal">
      <h1 tabIndex={-1}>{known?.title ?? 'This page cannot be shown'}</h1>
      <p>{error.message}</p>
      <p>{known?.advice ?? 'Try again in a moment. If it keeps failing, ask the sender for a new link.'}</p>
    </main>
  );
}

/** One channel's version, as its audience would see it: in the look its network declares. */
function ChannelPreview({ token, channel }: { token: string; channel: LinkSnapshotChannel }) {
  return (
    <div className="client-preview">
      <h3>{channel.name}</h3>
      <NetworkPreview
        channel={{ name: channel.name, account: null }}
        network={{ name: channel.networkName, preview: channel.preview }}
        text={channel.text}
        thread={channel.thread}
        options={channel.options}
        media={channel.media}
        workspaceId=""
        counter={null}
        renderMedia={(media) => (
          <div className={`preview-media preview-media-${String(Math.min(media.length, 4))}`}>
            {media.map((m, i) => (
              <img
                key={`${m.assetId}-${String(i)}`}
                src={approvalsApi.linkMediaUrl(token, m.assetId)}
                alt={m.alt ?? ''}
                loading="lazy"
              />
            ))}
          </div>
        )}
      />
    </div>
  );
}

function CommentForm({
  token,
  requestId,
  onAdded,
}: {
  token: string;
  requestId: string;
  onAdded: () => void;
}) {
  const id = useId();
  const [body, setBody] = useState('');
  const action = useAction();
  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!body.trim()) return;
    void action.run(async () => {
      await approvalsApi.commentByLink(token, { requestId, body: body.trim() });
      setBody('');
      onAdded();
    });
  }
  return (
    <form className="stack-tight" aria-label="Add a comment" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-comment`}>Comment</label>
        <textarea id={`${id}-comment`} rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <ErrorAlert error={action.error} />
      <div>
        <button type="submit" className="button-secondary" aria-disabled={action.busy || undefined}>
          Post comment
        </button>
      </div>
    </form>
  );
}

function Item({
  token,
  item,
  index,
  count,
  onItem,
  onStale,
  onFatal,
}: {
  token: string;
  item: LinkItem;
  index: number;
  count: number;
  onItem: (item: LinkItem, message: string) => void;
  onStale: () => void;
  onFatal: (error: ApiError) => void;
}) {
  const headingId = useId();
  const { request } = item;
  const step = request.steps[request.currentStep];
  const title = count > 1 ? `Post ${String(index + 1)} of ${String(count)}` : 'The post';
  return (
    <article className="client-item stack" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="hint">
        {request.snapshot.scheduledAt
          ? `Planned for ${formatDateTime(request.snapshot.scheduledAt)}`
          : 'No publishing time yet'}
        {request.submittedBy ? ` · from ${request.submittedBy.name}` : ''}
      </p>
      {request.note ? <blockquote className="approval-note">{request.note}</blockquote> : null}
      <ChangesList changes={request.diff} />
      <div className="client-previews">
        {request.snapshot.channels.map((channel) => (
          <ChannelPreview key={channel.channelId} token={token} channel={channel} />
        ))}
      </div>
      {item.decided ? (
        <p className="notice">
          {DECISION_LABELS[item.decided.decision]} on {formatDateTime(item.decided.at)}. Thank you.
        </p>
      ) : null}
      {item.canDecide && !item.decided ? (
        <section className="stack-tight" aria-label="Your decision">
          {step ? <h3>{step.name}</h3> : null}
          <DecisionForm
            key={request.contentHash}
            label={`Decide on ${title.toLowerCase()}`}
            checklist={step?.checklist ?? []}
            contentHash={request.contentHash}
            onStale={onStale}
            onDecide={async (input) => {
              try {
                const { item: next } = await approvalsApi.decideByLink(token, {
                  ...input,
                  requestId: request.id,
                });
                onItem(next, 'Your decision was sent. Thank you.');
              } catch (error) {
                if (error instanceof ApiError && error.code in REFUSALS && error.code !== 'link_used')
                  onFatal(error);
                throw error;
              }
            }}
          />
        </section>
      ) : null}
      {!item.canDecide && !item.decided ? (
        <p className="muted">This post is not waiting for you right now.</p>
      ) : null}
      <section className="stack-tight" aria-label="Comments">
        <h3>Comments</h3>
        {item.comments.length === 0 ? <p className="muted">No comments yet.</p> : null}
        {item.comments.length > 0 ? (
          <ul className="client-comments">
            {item.comments.map((comment) => (
              <li key={comment.id}>
                <p>
                  <strong>{comment.authorName}</strong> ·{' '}
                  <time dateTime={comment.createdAt}>{formatDateTime(comment.createdAt)}</time>
                </p>
                <p className="post-text">{comment.body}</p>
              </li>
            ))}
          </ul>
        ) : null}
        <CommentForm token={token} requestId={request.id} onAdded={onStale} />
      </section>
    </article>
  );
}

/** The page a client opens from the e-mailed link: no account, no app around it, made for a phone. */
export function ClientApprovalPage({ token }: { token: string }) {
  const view = useAsync<LinkView>((signal) => approvalsApi.link(token, signal), [token]);
  const [fatal, setFatal] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  useDocumentTitle(view.data ? `Approve posts for ${view.data.workspace.name}` : 'Approve posts');
  // The token is in the address: keep it out of the Referer of anything the page loads.
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'no-referrer';
    document.head.appendChild(meta);
    return () => meta.remove();
  }, []);

  const refusal = fatal ?? (linkRefusal(view.error) ? view.error : null);
  if (refusal) return <Refusal error={refusal} />;
  if (view.error) {
    return (
      <main id="main" className="client-approval">
        <h1>Approve posts</h1>
        <ErrorAlert error={view.error} />
        <button type="button" onClick={view.reload}>
          Try again
        </button>
      </main>
    );
  }
  if (!view.data) {
    return (
      <main id="main" className="client-approval">
        <p role="status">Loading…</p>
      </main>
    );
  }
  const data = view.data;
  const open = data.items.filter((item) => item.canDecide && !item.decided).length;
  return (
    <main id="main" className="client-approval stack">
      <header>
        <p className="client-workspace">{data.workspace.name}</p>
        <h1 tabIndex={-1}>
          {data.items.length === 1
            ? 'A post for your approval'
            : `${String(data.items.length)} posts for your approval`}
        </h1>
        <p className="hint">
          {open > 0
            ? `${String(open)} waiting for your decision. `
            : 'Nothing is waiting for your decision. '}
          This link works until {formatDateTime(data.expiresAt)}.
        </p>
      </header>
      <StatusMessage>{status}</StatusMessage>
      {data.items.map((item, index) => (
        <Item
          key={item.request.id}
          token={token}
          item={item}
          index={index}
          count={data.items.length}
          onStale={view.reload}
          onFatal={setFatal}
          onItem={(next, message) => {
            view.setData((current) =>
              current
                ? {
                    ...current,
                    items: current.items.map((candidate) =>
                      candidate.request.id === next.request.id ? next : candidate,
                    ),
                  }
                : current,
            );
            setStatus(message);
          }}
        />
      ))}
    </main>
  );
}
