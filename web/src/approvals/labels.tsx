import type { ApprovalState, DecisionKind, RequestState, StepState } from './approvals-api.js';

export const APPROVAL_STATE_LABELS: Record<ApprovalState, string> = {
  not_required: 'No approval needed',
  required: 'Needs approval',
  pending: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  expired: 'Approval expired',
};

const APPROVAL_BADGES: Record<ApprovalState, string> = {
  not_required: 'badge badge-disconnected',
  required: 'badge badge-held',
  pending: 'badge badge-busy',
  approved: 'badge badge-connected',
  rejected: 'badge badge-attention',
  changes_requested: 'badge badge-attention',
  expired: 'badge badge-held',
};

export const REQUEST_STATE_LABELS: Record<RequestState, string> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  withdrawn: 'Withdrawn',
  superseded: 'Replaced by a newer version',
  expired: 'Approval expired',
};

const REQUEST_BADGES: Record<RequestState, string> = {
  pending: 'badge badge-busy',
  approved: 'badge badge-connected',
  rejected: 'badge badge-attention',
  changes_requested: 'badge badge-attention',
  withdrawn: 'badge badge-disconnected',
  superseded: 'badge badge-disconnected',
  expired: 'badge badge-held',
};

export const DECISION_LABELS: Record<DecisionKind, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Requested changes',
};

export const STEP_STATE_LABELS: Record<StepState, string> = {
  waiting: 'Not yet',
  current: 'Now',
  done: 'Done',
  stopped: 'Stopped',
};

export function ApprovalBadge({ state }: { state: ApprovalState }) {
  return <span className={APPROVAL_BADGES[state]}>{APPROVAL_STATE_LABELS[state]}</span>;
}

export function RequestBadge({ state }: { state: RequestState }) {
  return <span className={REQUEST_BADGES[state]}>{REQUEST_STATE_LABELS[state]}</span>;
}
