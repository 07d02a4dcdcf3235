import { request } from '../api.js';
import type { ApiError } from '../api.js';
import type { PreviewStyle, RoleId } from '../types.js';

/** The approvals API shapes (docs/approvals.md). */

export type Approver =
  { type: 'user'; userId: string } | { type: 'role'; role: RoleId } | { type: 'email'; email: string };

export interface WorkflowStep {
  name: string;
  rule: 'any' | 'all';
  approvers: Approver[];
  checklist: string[];
}

export type OnExpiry = 'hold' | 'publish';

export interface Workflow {
  id: string;
  name: string;
  position: number;
  /** Empty: every channel. */
  channelIds: string[];
  requiredFor: RoleId[];
  steps: WorkflowStep[];
  onExpiry: OnExpiry;
  approvalValidDays: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowInput {
  name: string;
  channelIds: string[];
  requiredFor: RoleId[];
  steps: WorkflowStep[];
  onExpiry: OnExpiry;
  approvalValidDays: number | null;
  position?: number;
}

export type ApprovalState =
  'not_required' | 'required' | 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'expired';

export type RequestState =
  'pending' | 'approved' | 'rejected' | 'changes_requested' | 'withdrawn' | 'superseded' | 'expired';

export interface SnapshotChannel {
  channelId: string;
  name: string;
  network: string;
  text: string;
  thread: string[];
  media: { assetId: string; alt?: string }[];
  options: Record<string, unknown>;
}

export interface Snapshot {
  title: string | null;
  body: string;
  scheduledAt: string | null;
  channels: SnapshotChannel[];
}

export interface Change {
  field: string;
  label: string;
  from: string | null;
  to: string | null;
}

export interface ApproverView {
  type: 'user' | 'role' | 'email';
  userId?: string;
  role?: RoleId;
  email?: string;
  label: string;
}

export type StepState = 'waiting' | 'current' | 'done' | 'stopped';

export interface StepView {
  name: string;
  rule: 'any' | 'all';
  approvers: ApproverView[];
  checklist: string[];
  state: StepState;
}

export type DecisionKind = 'approved' | 'rejected' | 'changes_requested';

export interface Decision {
  id: string;
  step: number;
  decision: DecisionKind;
  by: { userId: string | null; name: string; email: string | null; external: boolean };
  note: string | null;
  checklist: string[];
  at: string;
}

export interface ApprovalRequest {
  id: string;
  postId: string;
  state: RequestState;
  workflow: { id: string | null; name: string; onExpiry: OnExpiry; approvalValidDays: number | null };
  steps: StepView[];
  currentStep: number;
  contentHash: string;
  snapshot: Snapshot;
  previousRequestId: string | null;
  diff: Change[];
  submittedBy: { userId: string; name: string } | null;
  submittedAt: string;
  note: string | null;
  decidedAt: string | null;
  expiresAt: string | null;
  decisions: Decision[];
  waitingFor: { label: string; userId?: string; email?: string }[];
  canDecide: boolean;
  postTitle: string | null;
  postExcerpt: string;
}

export interface PostApproval {
  state: ApprovalState;
  workflow: { id: string | null; name: string } | null;
  request: ApprovalRequest | null;
  history: { id: string; state: RequestState; submittedAt: string; decidedAt: string | null }[];
  canSubmit: boolean;
}

export interface ApprovalLink {
  id: string;
  email: string;
  requestIds: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdBy: { userId: string; name: string } | null;
}

export type DecisionInput = {
  decision: 'approve' | 'reject' | 'request_changes';
  note?: string;
  checklist?: string[];
  contentHash: string;
};

export type QueueView = 'mine' | 'others' | 'submitted';

/** One request as the public link page shows it. */
/** A channel's version as a link shows it, with the look its network declares. */
export interface LinkSnapshotChannel extends SnapshotChannel {
  networkName: string;
  preview: PreviewStyle;
}

export interface LinkItem {
  request: {
    id: string;
    state: RequestState;
    contentHash: string;
    snapshot: Omit<Snapshot, 'channels'> & { channels: LinkSnapshotChannel[] };
    diff: Change[];
    steps: { name: string; checklist: string[] }[];
    currentStep: number;
    note: string | null;
    submittedBy: { name: string } | null;
  };
  canDecide: boolean;
  decided: { decision: DecisionKind; at: string } | null;
  comments: { id: string; authorName: string; body: string; createdAt: string }[];
}

export interface LinkView {
  workspace: { name: string };
  email: string;
  expiresAt: string;
  items: LinkItem[];
}

/**
 * Why approvals refused something, where it matters to the page: `stale` (the post changed), or for links
 * `link_invalid`, `link_expired`, `link_revoked`, `link_used`. The server sends it as `details.reason`.
 */
export function refusalReason(error: ApiError): string | null {
  const details = error.details as { reason?: unknown } | undefined;
  if (typeof details?.reason === 'string') return details.reason;
  return error.code.startsWith('link_') || error.code === 'stale' ? error.code : null;
}

const seg = encodeURIComponent;
const ws = (workspaceId: string) => `/api/v1/workspaces/${seg(workspaceId)}`;
const publicLink = (token: string) => `/api/v1/approval-links/${seg(token)}`;

export const approvalsApi = {
  workflows: (workspaceId: string, signal?: AbortSignal) =>
    request<{ workflows: Workflow[] }>(`${ws(workspaceId)}/approval-workflows`, { signal }),

  createWorkflow: (workspaceId: string, input: WorkflowInput) =>
    request<{ workflow: Workflow }>(`${ws(workspaceId)}/approval-workflows`, { method: 'POST', body: input }),

  updateWorkflow: (workspaceId: string, workflowId: string, input: Partial<WorkflowInput>) =>
    request<{ workflow: Workflow }>(`${ws(workspaceId)}/approval-workflows/${seg(workflowId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteWorkflow: (workspaceId: string, workflowId: string) =>
    request<undefined>(`${ws(workspaceId)}/approval-workflows/${seg(workflowId)}`, { method: 'DELETE' }),

  postApproval: (workspaceId: string, postId: string, signal?: AbortSignal) =>
    request<PostApproval>(`${ws(workspaceId)}/posts/${seg(postId)}/approval`, { signal }),

  submit: (workspaceId: string, postId: string, note?: string) =>
    request<{ request: ApprovalRequest }>(`${ws(workspaceId)}/posts/${seg(postId)}/approval/submit`, {
      method: 'POST',
      body: note ? { note } : {},
    }),

  withdraw: (workspaceId: string, postId: string) =>
    request<{ request: ApprovalRequest }>(`${ws(workspaceId)}/posts/${seg(postId)}/approval/withdraw`, {
      method: 'POST',
    }),

  decide: (workspaceId: string, requestId: string, input: DecisionInput) =>
    request<{ request: ApprovalRequest }>(
      `${ws(workspaceId)}/approval-requests/${seg(requestId)}/decisions`,
      { method: 'POST', body: input },
    ),

  /** The approvals queue (at most 200 items; `mine` oldest first, `submitted` newest first). */
  queue: (workspaceId: string, view: QueueView, signal?: AbortSignal) =>
    request<{ requests: ApprovalRequest[]; nextCursor: string | null }>(
      `${ws(workspaceId)}/approval-requests`,
      { query: { view }, signal },
    ),

  /** How many posts wait for the viewer's decision. */
  waitingCount: (workspaceId: string, signal?: AbortSignal) =>
    request<{ mine: number }>(`${ws(workspaceId)}/approval-requests/count`, { signal }),

  approvalRequest: (workspaceId: string, requestId: string, signal?: AbortSignal) =>
    request<{ request: ApprovalRequest }>(`${ws(workspaceId)}/approval-requests/${seg(requestId)}`, {
      signal,
    }),

  createLink: (workspaceId: string, input: { email: string; requestIds: string[]; expiresInDays?: number }) =>
    request<{ link: ApprovalLink }>(`${ws(workspaceId)}/approval-links`, { method: 'POST', body: input }),

  links: (workspaceId: string, requestId: string, signal?: AbortSignal) =>
    request<{ links: ApprovalLink[] }>(`${ws(workspaceId)}/approval-links`, {
      query: { requestId },
      signal,
    }),

  revokeLink: (workspaceId: string, linkId: string) =>
    request<undefined>(`${ws(workspaceId)}/approval-links/${seg(linkId)}`, { method: 'DELETE' }),

  link: (token: string, signal?: AbortSignal) =>
    request<LinkView>(publicLink(token), { signal, publicEndpoint: true }),

  decideByLink: (token: string, input: DecisionInput & { requestId: string }) =>
    request<{ item: LinkItem }>(`${publicLink(token)}/decisions`, {
      method: 'POST',
      body: input,
      publicEndpoint: true,
    }),

  commentByLink: (token: string, input: { requestId: string; body: string }) =>
    request<{ comment: LinkItem['comments'][number] }>(`${publicLink(token)}/comments`, {
      method: 'POST',
      body: input,
      publicEndpoint: true,
    }),

  /** Where the link page loads an image of a post from. */
  linkMediaUrl: (token: string, assetId: string, thumb = true) =>
    `${publicLink(token)}/media/${seg(assetId)}${thumb ? '?thumb=1' : ''}`,
};
