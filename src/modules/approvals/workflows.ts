import { z } from 'zod';
import { can, ROLES, type Role } from '../members/permissions.js';

/** Who may approve a step: a member, everyone with a role, or someone without an account (by e-mail). */
export type Approver =
  { type: 'user'; userId: string } | { type: 'role'; role: Role } | { type: 'email'; email: string };

export interface Step {
  name: string;
  /** `any`: one approval completes the step; `all`: every approver must approve. */
  rule: 'any' | 'all';
  approvers: Approver[];
  /** Items every approver of the step must tick to approve ("facts and figures checked"). */
  checklist: string[];
}

/** What a request keeps of its workflow: the steps and policy it was submitted under. */
export interface WorkflowTerms {
  name: string;
  steps: Step[];
  onExpiry: 'hold' | 'publish';
  approvalValidDays: number | null;
}

export interface Workflow extends WorkflowTerms {
  id: string;
  workspaceId: string;
  position: number;
  /** Empty: every channel. */
  channelIds: string[];
  /** Authors with these roles must get approval before publishing. */
  requiredFor: Role[];
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_STEPS = 10;
export const MAX_APPROVERS = 50;
export const MAX_CHECKLIST = 20;

const trimmed = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty: write one.`)
    .max(max, `${what} is longer than ${max} characters: shorten it.`);

export const ApproverSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('user'), userId: z.uuid('userId is not a member id.') }),
    z.strictObject({
      type: z.literal('role'),
      role: z.enum(ROLES, { message: `role is one of ${ROLES.join(', ')}.` }),
    }),
    z.strictObject({
      type: z.literal('email'),
      email: z
        .email('email is not an e-mail address (like client@example.com).')
        .max(254)
        .transform((e) => e.toLowerCase()),
    }),
  ],
  {
    message:
      'An approver is {"type": "user", "userId"}, {"type": "role", "role"} or {"type": "email", "email"}.',
  },
);

export const StepSchema = z.strictObject({
  name: trimmed('The step name', 100),
  rule: z
    .enum(['any', 'all'], { message: 'rule is "any" (one approval is enough) or "all".' })
    .default('any'),
  approvers: z
    .array(ApproverSchema)
    .min(1, 'A step needs at least one approver.')
    .max(MAX_APPROVERS, `A step has at most ${MAX_APPROVERS} approvers.`),
  checklist: z
    .array(trimmed('A checklist item', 200))
    .max(MAX_CHECKLIST, `A step has at most ${MAX_CHECKLIST} checklist items.`)
    .default([]),
});

export const WorkflowFields = {
  name: trimmed('The workflow name', 100),
  channelIds: z.array(z.uuid('channelIds holds channel ids.')).max(200).default([]),
  requiredFor: z
    .array(z.enum(ROLES, { message: `requiredFor holds roles: ${ROLES.join(', ')}.` }))
    .default([]),
  steps: z
    .array(StepSchema)
    .min(1, 'A workflow needs at least one step.')
    .max(MAX_STEPS, `A workflow has at most ${MAX_STEPS} steps.`),
  onExpiry: z
    .enum(['hold', 'publish'], {
      message: 'onExpiry is "hold" (the post waits, the default) or "publish" (it goes out unapproved).',
    })
    .default('hold'),
  approvalValidDays: z
    .number()
    .int('approvalValidDays is a whole number of days.')
    .min(1, 'approvalValidDays is at least 1; leave it null for approvals that never expire.')
    .max(365, 'approvalValidDays is at most 365.')
    .nullable()
    .default(null),
};

export const WorkflowInputSchema = z.strictObject(WorkflowFields);
export type WorkflowInput = z.output<typeof WorkflowInputSchema>;

export const WorkflowPatchSchema = z.strictObject({
  name: WorkflowFields.name.optional(),
  channelIds: z.array(z.uuid('channelIds holds channel ids.')).max(200).optional(),
  requiredFor: z
    .array(z.enum(ROLES, { message: `requiredFor holds roles: ${ROLES.join(', ')}.` }))
    .optional(),
  steps: WorkflowFields.steps.optional(),
  onExpiry: z.enum(['hold', 'publish']).optional(),
  approvalValidDays: WorkflowFields.approvalValidDays.optional(),
  position: z.number().int().min(0).max(1000).optional(),
});
export type WorkflowPatch = z.output<typeof WorkflowPatchSchema>;

/** Roles that approve under the built-in workflow. */
const DEFAULT_APPROVER_ROLES: Role[] = ['owner', 'admin', 'manager'];

/**
 * The workflow used when no configured one covers a post: one step, any one owner, admin or manager
 * approves. It is required only of authors who may not publish (editors, by default).
 */
export const DEFAULT_WORKFLOW: WorkflowTerms = {
  name: 'Default approval',
  steps: [
    {
      name: 'Approval',
      rule: 'any',
      approvers: DEFAULT_APPROVER_ROLES.map((role) => ({ type: 'role', role })),
      checklist: [],
    },
  ],
  onExpiry: 'hold',
  approvalValidDays: null,
};

/** The first workflow (by position) that covers one of the channels; undefined: the built-in one applies. */
export function workflowFor(
  workflows: readonly Workflow[],
  channelIds: readonly string[],
): Workflow | undefined {
  return [...workflows]
    .sort((a, b) => a.position - b.position)
    .find((w) => w.channelIds.length === 0 || w.channelIds.some((id) => channelIds.includes(id)));
}

/**
 * Whether a post by someone with `role` to these channels must be approved: its workflow requires it of the
 * role, or the role may not publish at all.
 */
export function approvalRequired(
  workflows: readonly Workflow[],
  role: Role,
  channelIds: readonly string[],
): boolean {
  if (!can(role, 'posts.publish')) return true;
  const workflow = workflowFor(workflows, channelIds);
  return workflow !== undefined && workflow.requiredFor.includes(role);
}

export const termsOf = (w: WorkflowTerms): WorkflowTerms => ({
  name: w.name,
  steps: w.steps,
  onExpiry: w.onExpiry,
  approvalValidDays: w.approvalValidDays,
});
