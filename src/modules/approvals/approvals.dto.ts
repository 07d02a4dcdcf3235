import { z } from 'zod';
import { ROLES } from '../members/permissions.js';
import type { WorkspacePerson } from '../members/people.js';
import type { ApprovalLink, ApprovalRequest } from './approvals.repository.js';
import type { RequestDetail } from './approvals.views.js';
import { approverView } from './approvers.js';
import { diffSnapshots } from './snapshot.js';
import { ApproverSchema, type Workflow } from './workflows.js';

/** The shapes approvals answer with, and how the service's values become them. */

const StepDto = z.object({
  name: z.string(),
  rule: z.enum(['any', 'all']),
  approvers: z.array(ApproverSchema),
  checklist: z.array(z.string()),
});

export const WorkflowDto = z.object({
  id: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  channelIds: z.array(z.uuid()),
  requiredFor: z.array(z.enum(ROLES)),
  steps: z.array(StepDto),
  onExpiry: z.enum(['hold', 'publish']),
  approvalValidDays: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const toWorkflowDto = (w: Workflow) => ({
  id: w.id,
  name: w.name,
  position: w.position,
  channelIds: w.channelIds,
  requiredFor: w.requiredFor,
  steps: w.steps,
  onExpiry: w.onExpiry,
  approvalValidDays: w.approvalValidDays,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

const RequestState = z.enum([
  'pending',
  'approved',
  'rejected',
  'changes_requested',
  'withdrawn',
  'superseded',
  'expired',
]);

export const SnapshotDto = z.object({
  title: z.string().nullable(),
  body: z.string(),
  scheduledAt: z.string().nullable(),
  channels: z.array(
    z.object({
      channelId: z.string(),
      name: z.string(),
      network: z.string(),
      text: z.string(),
      thread: z.array(z.string()),
      media: z.array(z.object({ assetId: z.string(), alt: z.string().optional() })),
      options: z.record(z.string(), z.unknown()),
    }),
  ),
});
export const ChangeDto = z.object({
  field: z.string(),
  label: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
const DecisionDto = z.object({
  id: z.uuid(),
  step: z.number().int(),
  decision: z.enum(['approved', 'rejected', 'changes_requested']),
  by: z.object({
    userId: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    external: z.boolean(),
  }),
  note: z.string().nullable(),
  checklist: z.array(z.string()),
  at: z.string(),
});

export const RequestDto = z.object({
  id: z.uuid(),
  postId: z.uuid(),
  state: RequestState,
  workflow: z.object({
    id: z.string().nullable(),
    name: z.string(),
    onExpiry: z.enum(['hold', 'publish']),
    approvalValidDays: z.number().int().nullable(),
  }),
  steps: z.array(
    z.object({
      name: z.string(),
      rule: z.enum(['any', 'all']),
      approvers: z.array(
        z.object({
          type: z.enum(['user', 'role', 'email']),
          userId: z.string().optional(),
          role: z.string().optional(),
          email: z.string().optional(),
          label: z.string(),
        }),
      ),
      checklist: z.array(z.string()),
      state: z.enum(['waiting', 'current', 'done', 'stopped']),
    }),
  ),
  currentStep: z.number().int(),
  contentHash: z.string(),
  snapshot: SnapshotDto,
  previousRequestId: z.string().nullable(),
  diff: z.array(ChangeDto).describe('What changed since the previous request of the post'),
  submittedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
  submittedAt: z.string(),
  note: z.string().nullable(),
  decidedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  decisions: z.array(DecisionDto),
  waitingFor: z.array(
    z.object({ label: z.string(), userId: z.string().optional(), email: z.string().optional() }),
  ),
  canDecide: z.boolean(),
  postTitle: z.string().nullable(),
  postExcerpt: z.string(),
});

const stepState = (r: ApprovalRequest, i: number) => {
  if (r.state === 'approved' || (r.state === 'expired' && i <= r.currentStep)) return 'done';
  if (i < r.currentStep) return 'done';
  if (i > r.currentStep) return 'waiting';
  return r.state === 'pending' ? 'current' : 'stopped';
};

const excerptOf = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 140 ? `${t.slice(0, 139)}…` : t;
};

export function toRequestDto(d: RequestDetail, viewer: string | null) {
  const r = d.request;
  const people: WorkspacePerson[] = d.people;
  const excluded = viewer !== null && (viewer === d.postAuthor || viewer === r.submittedBy);
  return {
    id: r.id,
    postId: r.postId,
    state: r.state,
    workflow: {
      id: r.workflowId,
      name: r.workflow.name,
      onExpiry: r.workflow.onExpiry,
      approvalValidDays: r.workflow.approvalValidDays,
    },
    steps: r.workflow.steps.map((s, i) => ({
      name: s.name,
      rule: s.rule,
      approvers: s.approvers.map((a) => approverView(a, people)),
      checklist: s.checklist,
      state: stepState(r, i),
    })),
    currentStep: r.currentStep,
    contentHash: r.contentHash,
    snapshot: r.snapshot,
    previousRequestId: r.previousId,
    diff: d.previous ? diffSnapshots(d.previous.snapshot, r.snapshot) : [],
    submittedBy: r.submittedBy
      ? { userId: r.submittedBy, name: r.submittedByName ?? 'A former member' }
      : null,
    submittedAt: r.submittedAt.toISOString(),
    note: r.note,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    decisions: d.decisions.map((x) => ({
      id: x.id,
      step: x.step,
      decision: x.decision,
      by: { userId: x.userId, name: x.name, email: x.email, external: x.userId === null },
      note: x.note,
      checklist: x.checklist,
      at: x.createdAt.toISOString(),
    })),
    waitingFor: d.waitingFor.map((w) =>
      'userId' in w ? { label: w.name, userId: w.userId } : { label: w.email, email: w.email },
    ),
    canDecide: !excluded && viewer !== null && d.waitingFor.some((w) => 'userId' in w && w.userId === viewer),
    postTitle: r.snapshot.title,
    postExcerpt: excerptOf(r.snapshot.body),
  };
}

export const LinkDto = z.object({
  id: z.uuid(),
  email: z.string(),
  requestIds: z.array(z.uuid()),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
});
export const toLinkDto = (l: ApprovalLink) => ({
  id: l.id,
  email: l.email,
  requestIds: l.requestIds,
  createdAt: l.createdAt.toISOString(),
  expiresAt: l.expiresAt.toISOString(),
  revokedAt: l.revokedAt?.toISOString() ?? null,
  lastUsedAt: l.lastUsedAt?.toISOString() ?? null,
  createdBy: l.createdBy ? { userId: l.createdBy, name: l.createdByName ?? 'A former member' } : null,
});
