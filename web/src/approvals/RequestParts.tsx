import { useId } from 'react';
import { formatInZone } from '../format.js';
import type { ApprovalRequest, Change, Decision, StepView } from './approvals-api.js';
import { DECISION_LABELS, STEP_STATE_LABELS } from './labels.js';
import './approvals.css';

/** "Step 1 of 2: Manager". */
export function stepProgress(request: Pick<ApprovalRequest, 'steps' | 'currentStep'>): string {
  const step = request.steps[request.currentStep];
  const total = request.steps.length;
  return step ? `Step ${String(request.currentStep + 1)} of ${String(total)}: ${step.name}` : '';
}

/** What changed since the version that was looked at before. */
export function ChangesList({ changes }: { changes: Change[] }) {
  const headingId = useId();
  if (changes.length === 0) return null;
  return (
    <section className="approval-changes" aria-labelledby={headingId}>
      <h4 id={headingId}>What changed</h4>
      <dl>
        {changes.map((change, i) => (
          <div key={`${change.field}-${String(i)}`}>
            <dt>{change.label}</dt>
            <dd>
              {change.from !== null ? (
                <del aria-label={`Before: ${change.from}`}>{change.from || '(empty)'}</del>
              ) : null}
              {change.to !== null ? (
                <ins aria-label={`Now: ${change.to}`}>{change.to || '(empty)'}</ins>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The workflow's steps, each with its state and who approves it. */
export function StepsList({ steps }: { steps: StepView[] }) {
  return (
    <ol className="approval-steps" aria-label="Approval steps">
      {steps.map((step, i) => (
        <li key={`${step.name}-${String(i)}`} className={`approval-step approval-step-${step.state}`}>
          <div className="approval-step-head">
            <strong>{step.name}</strong>
            <span className="badge">{STEP_STATE_LABELS[step.state]}</span>
          </div>
          <p className="hint">
            {step.rule === 'all' ? 'Everyone must approve: ' : 'Anyone of: '}
            {step.approvers.map((approver) => approver.label).join(', ') || 'nobody'}
          </p>
          {step.checklist.length > 0 ? (
            <ul className="approval-checklist-summary">
              {step.checklist.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** Every decision on the request, with its note. */
export function DecisionsList({
  decisions,
  steps,
  timeZone,
}: {
  decisions: Decision[];
  steps: StepView[];
  timeZone: string;
}) {
  if (decisions.length === 0) return null;
  return (
    <ul className="approval-decisions" aria-label="Decisions">
      {decisions.map((decision) => (
        <li key={decision.id} className={`approval-decision approval-decision-${decision.decision}`}>
          <p>
            <strong>{decision.by.name}</strong>
            {decision.by.external ? ' (by e-mail link)' : ''}{' '}
            {DECISION_LABELS[decision.decision].toLowerCase()}
            {steps[decision.step] ? ` at step “${steps[decision.step]?.name ?? ''}”` : ''} ·{' '}
            <time dateTime={decision.at}>{formatInZone(decision.at, timeZone)}</time>
          </p>
          {decision.note ? <blockquote className="approval-note">{decision.note}</blockquote> : null}
        </li>
      ))}
    </ul>
  );
}

/** The frozen text being approved, per channel. */
export function SnapshotText({ request }: { request: Pick<ApprovalRequest, 'snapshot'> }) {
  const channels = request.snapshot.channels;
  if (channels.length === 0) return <p className="post-text">{request.snapshot.body}</p>;
  const sameText = channels.every((channel) => channel.text === channels[0]?.text);
  if (sameText) return <p className="post-text">{channels[0]?.text ?? request.snapshot.body}</p>;
  return (
    <dl className="approval-snapshot">
      {channels.map((channel) => (
        <div key={channel.channelId}>
          <dt>{channel.name}</dt>
          <dd className="post-text">{channel.text}</dd>
        </div>
      ))}
    </dl>
  );
}
