import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { PREVIEW_STYLES } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import { fileReply } from '../media/media.routes.js';
import {
  LinkDto,
  RequestDto,
  SnapshotDto,
  ChangeDto,
  toLinkDto,
  toRequestDto,
  toWorkflowDto,
  WorkflowDto,
} from './approvals.dto.js';
import type { ApprovalRequest } from './approvals.repository.js';
import type { ApprovalViews } from './approvals.views.js';
import { diffSnapshots } from './snapshot.js';
import { WorkflowInputSchema, WorkflowPatchSchema } from './workflows.js';

const ws = (path: string) => `/api/v1/workspaces/:workspaceId${path}`;
const workflowParams = z.strictObject({ workspaceId: z.uuid(), workflowId: z.uuid() });
const postParams = z.strictObject({ workspaceId: z.uuid(), postId: z.uuid() });
const requestParams = z.strictObject({ workspaceId: z.uuid(), requestId: z.uuid() });
const linkParams = z.strictObject({ workspaceId: z.uuid(), linkId: z.uuid() });
const tokenParams = z.strictObject({
  token: z.string().min(1).max(300, 'This approval link is not valid: it is too long.'),
});

const Decision = {
  decision: z.enum(['approve', 'reject', 'request_changes'], {
    message: 'decision is "approve", "reject" or "request_changes".',
  }),
  note: z.string().max(2_000).optional(),
  checklist: z.array(z.string().max(200)).max(50).optional(),
  contentHash: z.string().min(1, 'Send the contentHash of the request you saw.').max(100),
};

/** A request as the caller sees it (who it waits for, whether they may decide). */
const replyWith = async (
  services: { approvalViews: ApprovalViews },
  workspaceId: string,
  request: ApprovalRequest,
  viewer: string | null,
) => ({ request: toRequestDto(await services.approvalViews.detail(workspaceId, request), viewer) });

const ApprovalState = z.enum([
  'not_required',
  'required',
  'pending',
  'approved',
  'rejected',
  'changes_requested',
  'expired',
]);

export const approvalRoutes = [
  // --- workflows -----------------------------------------------------------------------------------
  defineRoute({
    method: 'get',
    path: ws('/approval-workflows'),
    summary: 'Approval workflows, in the order they are tried',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    response: { status: 200, schema: z.object({ workflows: z.array(WorkflowDto) }) },
    async handler({ access, services }) {
      return { workflows: (await services.workflows.list(access)).map(toWorkflowDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: ws('/approval-workflows'),
    summary: 'Create an approval workflow: ordered steps of approvers (members, roles, e-mail addresses)',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    body: WorkflowInputSchema,
    response: { status: 201, schema: z.object({ workflow: WorkflowDto }) },
    async handler({ access, actor, body, services }) {
      return { workflow: toWorkflowDto(await services.workflows.create(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: ws('/approval-workflows/:workflowId'),
    summary: 'Change an approval workflow (pending requests keep the steps they were submitted with)',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: workflowParams,
    body: WorkflowPatchSchema,
    response: { status: 200, schema: z.object({ workflow: WorkflowDto }) },
    async handler({ access, actor, params, body, services }) {
      return {
        workflow: toWorkflowDto(await services.workflows.update(access, actor, params.workflowId, body)),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: ws('/approval-workflows/:workflowId'),
    summary: 'Delete an approval workflow',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: workflowParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.workflows.remove(access, actor, params.workflowId);
    },
  }),

  // --- a post's approval ---------------------------------------------------------------------------
  defineRoute({
    method: 'get',
    path: ws('/posts/:postId/approval'),
    summary: 'Where a post stands with approval: its latest request in detail, and the earlier ones',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: postParams,
    response: {
      status: 200,
      schema: z.object({
        state: ApprovalState,
        workflow: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
        request: RequestDto.nullable(),
        history: z.array(
          z.object({
            id: z.uuid(),
            state: z.string(),
            submittedAt: z.string(),
            decidedAt: z.string().nullable(),
          }),
        ),
        canSubmit: z.boolean(),
      }),
    },
    async handler({ access, actor, params, services }) {
      const a = await services.approvalViews.forPost(access, params.postId);
      return {
        state: a.state,
        workflow: a.workflow,
        request: a.latest ? toRequestDto(a.latest, actor.userId) : null,
        history: a.history.map((r) => ({
          id: r.id,
          state: r.state,
          submittedAt: r.submittedAt.toISOString(),
          decidedAt: r.decidedAt?.toISOString() ?? null,
        })),
        canSubmit: a.canSubmit,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: ws('/posts/:postId/approval/submit'),
    summary: 'Submit a post for approval: what it says now is what approvers approve',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: postParams,
    body: z.strictObject({ note: z.string().max(2_000).optional() }),
    response: { status: 201, schema: z.object({ request: RequestDto }) },
    async handler({ access, actor, params, body, services }) {
      const request = await services.approvals.submit(access, actor, params.postId, {
        note: body.note ?? null,
      });
      return replyWith(services, access.workspace.id, request, actor.userId);
    },
  }),
  defineRoute({
    method: 'post',
    path: ws('/posts/:postId/approval/withdraw'),
    summary: 'Withdraw a post from approval',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: postParams,
    response: { status: 200, schema: z.object({ request: RequestDto }) },
    async handler({ access, actor, params, services }) {
      const request = await services.approvals.withdraw(access, actor, params.postId);
      return replyWith(services, access.workspace.id, request, actor.userId);
    },
  }),

  // --- decisions and the queue ---------------------------------------------------------------------
  defineRoute({
    method: 'post',
    path: ws('/approval-requests/:requestId/decisions'),
    summary:
      'Approve, reject (with a note) or request changes (with a note) at the current step; the contentHash must be the one you saw',
    tag: 'approvals',
    // Who may decide is the step's business (its members, roles and addresses); the route needs only sight.
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: requestParams,
    body: z.strictObject(Decision),
    response: { status: 200, schema: z.object({ request: RequestDto }) },
    async handler({ access, actor, params, body, services }) {
      const request = await services.approvals.decide(access, actor, params.requestId, body);
      return replyWith(services, access.workspace.id, request, actor.userId);
    },
  }),
  defineRoute({
    method: 'get',
    path: ws('/approval-requests/count'),
    summary: 'How many posts wait for your decision (the number next to Approvals in the menu)',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    response: { status: 200, schema: z.object({ mine: z.number().int() }) },
    async handler({ access, actor, services }) {
      return { mine: (await services.approvalViews.queue(access, actor, 'mine')).length };
    },
  }),
  defineRoute({
    method: 'get',
    path: ws('/approval-requests/:requestId'),
    summary: 'One approval request in detail',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: requestParams,
    response: { status: 200, schema: z.object({ request: RequestDto }) },
    async handler({ access, actor, params, services }) {
      return {
        request: toRequestDto(await services.approvalViews.request(access, params.requestId), actor.userId),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: ws('/approval-requests'),
    summary:
      'The approvals queue: mine (waiting for you, oldest first), others (waiting for someone else), submitted (yours, newest first); at most 200',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    query: z.strictObject({
      view: z
        .enum(['mine', 'others', 'submitted'], { message: 'view is mine, others or submitted.' })
        .default('mine'),
    }),
    response: { status: 200, schema: z.object({ requests: z.array(RequestDto), nextCursor: z.null() }) },
    async handler({ access, actor, query, services }) {
      const list = await services.approvalViews.queue(access, actor, query.view);
      return { requests: list.map((d) => toRequestDto(d, actor.userId)), nextCursor: null };
    },
  }),

  // --- links for approvers without an account ------------------------------------------------------
  defineRoute({
    method: 'post',
    path: ws('/approval-links'),
    summary: 'E-mail someone without an account a signed, expiring link to approve one post or a batch',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    body: z.strictObject({
      email: z.email('email is not an e-mail address (like client@example.com).').max(254),
      requestIds: z.array(z.uuid()).min(1, 'Choose at least one post waiting for approval.').max(50),
      expiresInDays: z
        .number()
        .int()
        .min(1, 'expiresInDays is 1 to 30.')
        .max(30, 'expiresInDays is 1 to 30.')
        .optional(),
    }),
    response: { status: 201, schema: z.object({ link: LinkDto }) },
    async handler({ access, actor, body, services }) {
      return { link: toLinkDto(await services.approvalLinks.create(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: ws('/approval-links'),
    summary: 'Approval links sent (never their tokens), newest first; with requestId, those covering it',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: z.strictObject({ workspaceId: z.uuid() }),
    query: z.strictObject({ requestId: z.uuid().optional() }),
    response: { status: 200, schema: z.object({ links: z.array(LinkDto) }) },
    async handler({ access, query, services }) {
      return { links: (await services.approvalLinks.list(access, query.requestId)).map(toLinkDto) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: ws('/approval-links/:linkId'),
    summary: 'Revoke an approval link: it stops working at once',
    tag: 'approvals',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: linkParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.approvalLinks.revoke(access, actor, params.linkId);
    },
  }),
];

/** How each channel's network looks, so a page without an account can preview it the network's way. */
const lookOf = (network: string) =>
  isNetworkId(network)
    ? {
        networkName: networkDefinition(network).metadata.name,
        preview: networkDefinition(network).metadata.preview,
      }
    : { networkName: network, preview: 'webhook' as const };

const LinkItemDto = z.object({
  request: z.object({
    id: z.uuid(),
    state: z.string(),
    contentHash: z.string(),
    snapshot: SnapshotDto.extend({
      channels: z.array(
        SnapshotDto.shape.channels.element.extend({
          networkName: z.string(),
          preview: z.enum(PREVIEW_STYLES).describe('The look the network declares for previews'),
        }),
      ),
    }),
    diff: z.array(ChangeDto),
    steps: z.array(z.object({ name: z.string(), checklist: z.array(z.string()) })),
    currentStep: z.number().int(),
    note: z.string().nullable(),
    submittedBy: z.object({ name: z.string() }).nullable(),
  }),
  canDecide: z.boolean(),
  decided: z.object({ decision: z.string(), at: z.string() }).nullable(),
  comments: z.array(
    z.object({ id: z.uuid(), authorName: z.string(), body: z.string(), createdAt: z.string() }),
  ),
});

type LinkItem = Awaited<ReturnType<import('./links.service.js').ApprovalLinksService['decide']>>;
const toLinkItemDto = (i: LinkItem) => ({
  request: {
    id: i.request.id,
    state: i.request.state,
    contentHash: i.request.contentHash,
    snapshot: {
      ...i.request.snapshot,
      channels: i.request.snapshot.channels.map((c) => ({ ...c, ...lookOf(c.network) })),
    },
    diff: i.detail.previous ? diffSnapshots(i.detail.previous.snapshot, i.request.snapshot) : [],
    steps: i.request.workflow.steps.map((s) => ({ name: s.name, checklist: s.checklist })),
    currentStep: i.request.currentStep,
    note: i.request.note,
    submittedBy: i.request.submittedByName ? { name: i.request.submittedByName } : null,
  },
  canDecide: i.canDecide,
  decided: i.decided && { decision: i.decided.decision, at: i.decided.at.toISOString() },
  comments: i.comments.map((c) => ({
    id: c.id,
    authorName: c.authorName ?? 'Someone',
    body: c.body,
    createdAt: c.createdAt.toISOString(),
  })),
});

/** The side of approval links that needs no account: the token in the path is the only credential. */
export const approvalLinkRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/approval-links/:token',
    summary: 'What an approval link shows: the posts as frozen for approval, what is decided, their comments',
    tag: 'approvals',
    auth: { kind: 'public' },
    params: tokenParams,
    response: {
      status: 200,
      schema: z.object({
        workspace: z.object({ name: z.string() }),
        email: z.string(),
        expiresAt: z.string(),
        items: z.array(LinkItemDto),
      }),
    },
    async handler({ params, services }) {
      const v = await services.approvalLinks.view(params.token);
      return {
        workspace: v.workspace,
        email: v.email,
        expiresAt: v.expiresAt.toISOString(),
        items: v.items.map(toLinkItemDto),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/approval-links/:token/decisions',
    summary: 'Decide on a post through an approval link (as the address it was sent to)',
    tag: 'approvals',
    auth: { kind: 'public' },
    params: tokenParams,
    body: z.strictObject({ requestId: z.uuid(), ...Decision }),
    response: { status: 200, schema: z.object({ item: LinkItemDto }) },
    async handler({ params, body, services }) {
      return { item: toLinkItemDto(await services.approvalLinks.decide(params.token, body)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/approval-links/:token/comments',
    summary: 'Comment on a post through an approval link',
    tag: 'approvals',
    auth: { kind: 'public' },
    params: tokenParams,
    body: z.strictObject({ requestId: z.uuid(), body: z.string().max(10_000) }),
    response: {
      status: 201,
      schema: z.object({
        comment: z.object({ id: z.uuid(), authorName: z.string(), body: z.string(), createdAt: z.string() }),
      }),
    },
    async handler({ params, body, services }) {
      const c = await services.approvalLinks.comment(params.token, body);
      return {
        comment: {
          id: c.id,
          authorName: c.authorName ?? 'Someone',
          body: c.body,
          createdAt: c.createdAt.toISOString(),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/approval-links/:token/media/:assetId',
    summary: 'A picture of a post the link covers (?thumb=1 for its thumbnail)',
    tag: 'approvals',
    auth: { kind: 'public' },
    params: tokenParams.extend({ assetId: z.uuid() }),
    query: z.strictObject({ thumb: z.enum(['0', '1']).optional() }),
    response: { status: 200, file: { description: 'The file' } },
    async handler({ params, query, services }) {
      return fileReply(
        await services.approvalLinks.media(params.token, params.assetId, query.thumb === '1'),
        false,
        false,
      );
    },
  }),
];
