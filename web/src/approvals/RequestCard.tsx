import { useId } from 'react';
import type { ReactNode } from 'react';
import { formatInZone } from '../format.js';
import { workspacePath } from '../permissions.js';
import { Link } from '../router.js';
import type { Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import type { ApprovalRequest } from './approvals-api.js';
import { DecisionForm } from './DecisionForm.js';
import { RequestBadge } from './labels.js';
import { ChangesList, DecisionsList, stepProgress } from './RequestParts.js';

export function requestTitle(request: Pick<ApprovalRequest, 'postTitle' | 'postExcerpt'>): string {
  return request.postTitle?.trim() || request.postExcerpt.trim() || 'Untitled post';
}

export interface RequestCardProps {
  workspace: Workspace;
  request: ApprovalRequest;
  /** The server answered a decision with the request as it is now. */
  onDecided: (request: ApprovalRequest, decision: string) => void;
  /** The post changed since it was loaded: load the item again. */
  onStale: (request: ApprovalRequest) => void;
  /** A selection checkbox, for pending items. */
  select?: ReactNode;
}

const DONE: Record<string, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  request_changes: 'Changes requested for',
};

/** One approval request in the queue: what it is, where it stands, and the decision form. */
export function RequestCard({ workspace, request, onDecided, onStale, select }: RequestCardProps) {
  const headingId = useId();
  const zone = workspace.timezone;
  const title = requestTitle(request);
  const current = request.steps[request.currentStep];
  return (
    <li className="panel approval-card" aria-labelledby={headingId}>
      <div className="approval-card-head">
        {select}
        <h3 id={headingId} className="approval-card-title">
          <Link to={workspacePath(workspace, `posts/${encodeURIComponent(request.postId)}`)}>{title}</Link>
        </h3>
        <RequestBadge state={request.state} />
      </div>
      {request.postTitle && request.postExcerpt ? <p className="excerpt">{request.postExcerpt}</p> : null}
      <dl className="facts">
        <div>
          <dt>Channels</dt>
          <dd>{request.snapshot.channels.map((channel) => channel.name).join(', ') || 'None'}</dd>
        </div>
        <div>
          <dt>Planned for</dt>
          <dd>
            {request.snapshot.scheduledAt ? (
              <time dateTime={request.snapshot.scheduledAt}>
                {formatInZone(request.snapshot.scheduledAt, zone)}
              </time>
            ) : (
              'No time yet'
            )}
          </dd>
        </div>
        {request.state === 'pending' ? (
          <div>
            <dt>Step</dt>
            <dd>{stepProgress(request)}</dd>
          </div>
        ) : null}
        {request.state === 'pending' ? (
          <div>
            <dt>Waiting for</dt>
            <dd>{request.waitingFor.map((who) => who.label).join(', ') || 'Nobody'}</dd>
          </div>
        ) : null}
        <div>
          <dt>Submitted</dt>
          <dd>
            {request.submittedBy ? `${request.submittedBy.name}, ` : ''}
            <time dateTime={request.submittedAt}>{formatInZone(request.submittedAt, zone)}</time>
          </dd>
        </div>
      </dl>
      {request.note ? <blockquote className="approval-note">{request.note}</blockquote> : null}
      <ChangesList changes={request.diff} />
      <DecisionsList decisions={request.decisions} steps={request.steps} timeZone={zone} />
      {request.canDecide && request.state === 'pending' ? (
        <DecisionForm
          key={request.contentHash}
          label={`Decide on ${title}`}
          checklist={current?.checklist ?? []}
          contentHash={request.contentHash}
          onStale={() => onStale(request)}
          onDecide={async (input) => {
            const { request: next } = await approvalsApi.decide(workspace.id, request.id, input);
            onDecided(next, DONE[input.decision] ?? 'Decided on');
          }}
        />
      ) : null}
    </li>
  );
}
