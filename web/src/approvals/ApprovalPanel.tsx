import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatInZone } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import type { Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import type { PostApproval } from './approvals-api.js';
import { ApprovalLinks } from './ApprovalLinks.js';
import { approvalsChanged } from './ApprovalsNavCount.js';
import { DecisionForm } from './DecisionForm.js';
import { ApprovalBadge, RequestBadge } from './labels.js';
import { ChangesList, DecisionsList, StepsList, stepProgress } from './RequestParts.js';

export interface ApprovalPanelProps {
  workspace: Workspace;
  postId: string;
  /** Changes whenever the post does, so the panel looks again (an edit sends a post back for approval). */
  version: string;
  /** Something changed the post's approval: the post page reloads its deliveries. */
  onChanged: () => void;
}

const RESUBMITTABLE = new Set(['rejected', 'changes_requested', 'expired', 'withdrawn']);

/** A post's approval: where it stands, its steps and decisions, and what the viewer may do about it. */
export function ApprovalPanel({ workspace, postId, version, onChanged }: ApprovalPanelProps) {
  const headingId = useId();
  const approval = useAsync(
    (signal) => approvalsApi.postApproval(workspace.id, postId, signal),
    [workspace.id, postId, version],
  );
  const action = useAction();
  const [note, setNote] = useState('');
  const [status, setStatus] = useState('');
  const canWrite = can(workspace, 'posts.write');
  const data: PostApproval | undefined = approval.data;
  const request = data?.request ?? null;
  const zone = workspace.timezone;

  if (!data) {
    return (
      <section className="panel" aria-labelledby={headingId}>
        <h2 id={headingId}>Approval</h2>
        <ErrorAlert error={approval.error} />
        {approval.loading ? <p className="muted">Loading…</p> : null}
      </section>
    );
  }

  if (data.state === 'not_required' && !request) {
    return (
      <section className="panel approval-panel" aria-labelledby={headingId}>
        <div className="approval-panel-head">
          <h2 id={headingId}>Approval</h2>
          <ApprovalBadge state={data.state} />
        </div>
      </section>
    );
  }

  const resubmit = data.history.length > 0 && (!request || RESUBMITTABLE.has(request.state));

  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await approvalsApi.submit(workspace.id, postId, note.trim() || undefined);
      setNote('');
      setStatus('The post was submitted for approval.');
      approval.reload();
      onChanged();
    });
  }

  function withdraw(): void {
    if (
      !window.confirm('Withdraw this post from approval? Nobody can approve it until it is submitted again.')
    )
      return;
    void action.run(async () => {
      await approvalsApi.withdraw(workspace.id, postId);
      setStatus('The post was withdrawn from approval.');
      approval.reload();
      onChanged();
    });
  }

  return (
    <section className="panel stack approval-panel" aria-labelledby={headingId}>
      <div className="approval-panel-head">
        <h2 id={headingId}>Approval</h2>
        <ApprovalBadge state={data.state} />
      </div>
      <StatusMessage>{status}</StatusMessage>
      {data.workflow ? <p className="hint">Workflow: {data.workflow.name}</p> : null}
      {request ? (
        <>
          <p>
            {request.state === 'pending' ? <>{stepProgress(request)}. </> : null}
            {request.state === 'pending' && request.waitingFor.length > 0 ? (
              <>Waiting for {request.waitingFor.map((who) => who.label).join(', ')}. </>
            ) : null}
            {request.state !== 'pending' && request.state !== data.state ? (
              <RequestBadge state={request.state} />
            ) : null}
          </p>
          <p className="hint">
            Submitted{request.submittedBy ? ` by ${request.submittedBy.name}` : ''}{' '}
            <time dateTime={request.submittedAt}>{formatInZone(request.submittedAt, zone)}</time>
            {request.expiresAt ? (
              <>
                ; the approval lapses{' '}
                <time dateTime={request.expiresAt}>{formatInZone(request.expiresAt, zone)}</time>
              </>
            ) : null}
            .
          </p>
          {request.note ? <blockquote className="approval-note">{request.note}</blockquote> : null}
          <StepsList steps={request.steps} />
          <ChangesList changes={request.diff} />
          <DecisionsList decisions={request.decisions} steps={request.steps} timeZone={zone} />
          {request.canDecide && request.state === 'pending' ? (
            <DecisionForm
              key={request.contentHash}
              label="Decide on this post"
              checklist={request.steps[request.currentStep]?.checklist ?? []}
              contentHash={request.contentHash}
              onStale={approval.reload}
              onDecide={async (input) => {
                await approvalsApi.decide(workspace.id, request.id, input);
                setStatus('Your decision was recorded.');
                approvalsChanged();
                approval.reload();
                onChanged();
              }}
            />
          ) : null}
        </>
      ) : null}
      {data.canSubmit && canWrite ? (
        <form className="stack-tight" aria-label="Submit for approval" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${headingId}-note`}>Note for the approvers (optional)</label>
            <textarea
              id={`${headingId}-note`}
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <div>
            <button type="submit" aria-disabled={action.busy || undefined}>
              {resubmit ? 'Resubmit' : 'Submit for approval'}
            </button>
          </div>
        </form>
      ) : null}
      {request?.state === 'pending' && canWrite ? (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            aria-disabled={action.busy || undefined}
            onClick={withdraw}
          >
            Withdraw
          </button>
        </div>
      ) : null}
      <ErrorAlert error={action.error} />
      {request && canWrite ? (
        <ApprovalLinks
          workspace={workspace}
          requestId={request.id}
          pending={request.state === 'pending'}
          onStatus={setStatus}
        />
      ) : null}
    </section>
  );
}
