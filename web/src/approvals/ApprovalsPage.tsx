import { useId, useRef, useState } from 'react';
import { TabList, tabPanelProps } from '../components/TabList.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { can } from '../permissions.js';
import type { Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import { approvalsChanged } from './ApprovalsNavCount.js';
import type { ApprovalRequest, QueueView } from './approvals-api.js';
import { RequestCard, requestTitle } from './RequestCard.js';
import { SendToClientForm } from './SendToClientForm.js';

const TABS: { id: QueueView; label: string; empty: string }[] = [
  { id: 'mine', label: 'Waiting for me', empty: 'Nothing is waiting for you.' },
  { id: 'others', label: 'Waiting for others', empty: 'Nothing is waiting for someone else.' },
  { id: 'submitted', label: 'Submitted by me', empty: 'You have not submitted anything for approval.' },
];

interface Page {
  requests: ApprovalRequest[];
  nextCursor: string | null;
}

/** The approvals queue: what waits for me, for others, and what I submitted. */
export function ApprovalsPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Approvals', workspace.name);
  const id = useId();
  const [tab, setTab] = useState<QueueView>('mine');
  const tabRefs = useRef<Partial<Record<QueueView, HTMLButtonElement | null>>>({});
  const list = useAsync<Page>((signal) => approvalsApi.queue(workspace.id, tab, signal), [workspace.id, tab]);
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const canSend = can(workspace, 'posts.write');
  const requests = list.data?.requests ?? [];

  function choose(next: QueueView): void {
    setTab(next);
    setSelected([]);
    setSending(false);
  }

  function replace(old: ApprovalRequest, next: ApprovalRequest | null): void {
    list.setData((page) => {
      if (!page) return page;
      const keep =
        next && (tab === 'submitted' || (next.state === 'pending' && next.canDecide === (tab === 'mine')));
      return {
        ...page,
        requests: keep
          ? page.requests.map((candidate) => (candidate.id === old.id ? next : candidate))
          : page.requests.filter((candidate) => candidate.id !== old.id),
      };
    });
    if (!next || next.id !== old.id || next.state !== 'pending') {
      setSelected((ids) => ids.filter((candidate) => candidate !== old.id));
    }
  }

  function decided(next: ApprovalRequest, what: string): void {
    const old = requests.find((candidate) => candidate.id === next.id);
    if (old) replace(old, next);
    approvalsChanged();
    setStatus(`${what} “${requestTitle(next)}”.`);
  }

  /** The post changed since the list was loaded: show its latest version instead. */
  function reloadItem(stale: ApprovalRequest): void {
    void approvalsApi.postApproval(workspace.id, stale.postId).then(
      (approval) => {
        const latest = approval.request;
        list.setData((page) =>
          page
            ? {
                ...page,
                requests:
                  latest && latest.state === 'pending'
                    ? page.requests.map((candidate) => (candidate.id === stale.id ? latest : candidate))
                    : page.requests.filter((candidate) => candidate.id !== stale.id),
              }
            : page,
        );
      },
      () => list.reload(),
    );
  }

  const pending = requests.filter((request) => request.state === 'pending');
  const current = TABS.find((t) => t.id === tab)!;

  return (
    <div className="stack">
      <PageHeading>Approvals</PageHeading>
      <StatusMessage>{status}</StatusMessage>
      <TabList label="Approvals" idBase={id} tabs={TABS} selected={tab} onSelect={choose} refs={tabRefs} />
      <div {...tabPanelProps(id, tab)} className="stack">
        <ErrorAlert error={list.error} />
        {canSend && pending.length > 0 ? (
          <div className="toolbar">
            <p className="muted">
              {selected.length === 0
                ? 'Select posts to send them to a client for approval.'
                : `${String(selected.length)} selected.`}
            </p>
            <div className="toolbar-actions">
              <button
                type="button"
                className="button-secondary"
                aria-disabled={selected.length === 0 || undefined}
                aria-expanded={sending}
                onClick={() => {
                  if (selected.length === 0) {
                    setStatus('Select one or more waiting posts first.');
                    return;
                  }
                  setSending((open) => !open);
                }}
              >
                Send to a client for approval
              </button>
            </div>
          </div>
        ) : null}
        {sending && selected.length > 0 ? (
          <SendToClientForm
            workspaceId={workspace.id}
            requestIds={selected}
            onCancel={() => setSending(false)}
            onSent={(link) => {
              setSending(false);
              setSelected([]);
              setStatus(
                `A link to approve ${String(link.requestIds.length)} post(s) was e-mailed to ${link.email}.`,
              );
            }}
          />
        ) : null}
        {list.loading && !list.data ? <p className="muted">Loading…</p> : null}
        {list.data && requests.length === 0 ? <p className="placeholder">{current.empty}</p> : null}
        {requests.length > 0 ? (
          <ul className="approval-list" aria-label={current.label}>
            {requests.map((request) => (
              <RequestCard
                key={request.id}
                workspace={workspace}
                request={request}
                onDecided={decided}
                onStale={reloadItem}
                select={
                  canSend && request.state === 'pending' ? (
                    <input
                      type="checkbox"
                      className="approval-select"
                      aria-label={`Select “${requestTitle(request)}”`}
                      checked={selected.includes(request.id)}
                      onChange={(e) =>
                        setSelected((ids) =>
                          e.target.checked
                            ? [...ids, request.id]
                            : ids.filter((candidate) => candidate !== request.id),
                        )
                      }
                    />
                  ) : undefined
                }
              />
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
