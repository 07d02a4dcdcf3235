import type { Kysely } from 'kysely';
import type { ApprovalRequestState, DB } from '../../db/schema.js';
import type { Role } from '../members/permissions.js';
import type { PostsRepository } from '../publishing/posts.repository.js';
import type { Snapshot } from './snapshot.js';
import {
  DEFAULT_WORKFLOW,
  termsOf,
  workflowFor,
  type Step,
  type Workflow,
  type WorkflowTerms,
} from './workflows.js';

export interface ApprovalRequest {
  id: string;
  workspaceId: string;
  postId: string;
  workflowId: string | null;
  workflow: WorkflowTerms;
  snapshot: Snapshot;
  contentHash: string;
  previousId: string | null;
  state: ApprovalRequestState;
  currentStep: number;
  submittedBy: string | null;
  submittedByName: string | null;
  note: string | null;
  submittedAt: Date;
  decidedAt: Date | null;
  expiresAt: Date | null;
}

export interface ApprovalDecision {
  id: string;
  requestId: string;
  step: number;
  userId: string | null;
  email: string | null;
  name: string;
  decision: 'approved' | 'rejected' | 'changes_requested';
  note: string | null;
  checklist: string[];
  createdAt: Date;
}

export interface ApprovalLink {
  id: string;
  workspaceId: string;
  email: string;
  requestIds: string[];
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

type WorkflowRow = DB['approval_workflows'] extends infer T ? { [K in keyof T]: unknown } : never;

const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id as string,
  workspaceId: r.workspace_id as string,
  name: r.name as string,
  position: r.position as number,
  channelIds: r.channel_ids as string[],
  requiredFor: r.required_for as Role[],
  steps: r.steps as Step[],
  onExpiry: r.on_expiry as 'hold' | 'publish',
  approvalValidDays: r.approval_valid_days as number | null,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

/** Runs `fn` in one transaction with the approvals and posts repositories bound to it (services.ts). */
export type ApprovalsTransaction = <T>(
  fn: (r: { approvals: ApprovalsRepository; posts: PostsRepository }) => Promise<T>,
) => Promise<T>;

/** Approval workflows, requests, decisions and links. */
export class ApprovalsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  // --- workflows -----------------------------------------------------------------------------------

  async workflows(workspaceId: string): Promise<Workflow[]> {
    const rows = await this.db
      .selectFrom('approval_workflows')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('position')
      .orderBy('created_at')
      .execute();
    return rows.map(toWorkflow);
  }

  /** The workflow a post goes through: the first configured one covering its channels, else the built-in one. */
  async workflowOf(
    workspaceId: string,
    channelIds: readonly string[],
  ): Promise<{ id: string | null; terms: WorkflowTerms }> {
    const w = workflowFor(await this.workflows(workspaceId), channelIds);
    return w ? { id: w.id, terms: termsOf(w) } : { id: null, terms: DEFAULT_WORKFLOW };
  }

  async workflow(workspaceId: string, id: string): Promise<Workflow | undefined> {
    const row = await this.db
      .selectFrom('approval_workflows')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toWorkflow(row);
  }

  async insertWorkflow(w: Omit<Workflow, 'createdAt' | 'updatedAt'>, now: Date): Promise<void> {
    await this.db
      .insertInto('approval_workflows')
      .values({
        id: w.id,
        workspace_id: w.workspaceId,
        name: w.name,
        position: w.position,
        channel_ids: JSON.stringify(w.channelIds),
        required_for: JSON.stringify(w.requiredFor),
        steps: JSON.stringify(w.steps),
        on_expiry: w.onExpiry,
        approval_valid_days: w.approvalValidDays,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  async updateWorkflow(w: Workflow, now: Date): Promise<void> {
    await this.db
      .updateTable('approval_workflows')
      .set({
        name: w.name,
        position: w.position,
        channel_ids: JSON.stringify(w.channelIds),
        required_for: JSON.stringify(w.requiredFor),
        steps: JSON.stringify(w.steps),
        on_expiry: w.onExpiry,
        approval_valid_days: w.approvalValidDays,
        updated_at: now,
      })
      .where('id', '=', w.id)
      .execute();
  }

  async deleteWorkflow(workspaceId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('approval_workflows')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // --- requests ------------------------------------------------------------------------------------

  private requests() {
    return this.db
      .selectFrom('approval_requests as r')
      .leftJoin('users as u', 'u.id', 'r.submitted_by')
      .select([
        'r.id',
        'r.workspace_id as workspaceId',
        'r.post_id as postId',
        'r.workflow_id as workflowId',
        'r.workflow',
        'r.snapshot',
        'r.content_hash as contentHash',
        'r.previous_id as previousId',
        'r.state',
        'r.current_step as currentStep',
        'r.submitted_by as submittedBy',
        'u.name as submittedByName',
        'r.note',
        'r.submitted_at as submittedAt',
        'r.decided_at as decidedAt',
        'r.expires_at as expiresAt',
      ])
      .$castTo<ApprovalRequest>();
  }

  async insertRequest(r: Omit<ApprovalRequest, 'submittedByName'>): Promise<void> {
    await this.db
      .insertInto('approval_requests')
      .values({
        id: r.id,
        workspace_id: r.workspaceId,
        post_id: r.postId,
        workflow_id: r.workflowId,
        workflow: JSON.stringify(r.workflow),
        snapshot: JSON.stringify(r.snapshot),
        content_hash: r.contentHash,
        previous_id: r.previousId,
        state: r.state,
        current_step: r.currentStep,
        submitted_by: r.submittedBy,
        note: r.note,
        submitted_at: r.submittedAt,
        decided_at: r.decidedAt,
        expires_at: r.expiresAt,
      })
      .execute();
  }

  async request(workspaceId: string, id: string): Promise<ApprovalRequest | undefined> {
    return this.requests()
      .where('r.workspace_id', '=', workspaceId)
      .where('r.id', '=', id)
      .executeTakeFirst();
  }

  async requestsByIds(workspaceId: string, ids: readonly string[]): Promise<ApprovalRequest[]> {
    if (ids.length === 0) return [];
    return this.requests().where('r.workspace_id', '=', workspaceId).where('r.id', 'in', ids).execute();
  }

  /** A post's requests, newest first. */
  async forPost(postId: string): Promise<ApprovalRequest[]> {
    return this.requests()
      .where('r.post_id', '=', postId)
      .orderBy('r.submitted_at', 'desc')
      .orderBy('r.id', 'desc')
      .execute();
  }

  /** Pending requests of a workspace, oldest first (the queue), of posts not deleted. */
  async pending(workspaceId: string, limit: number): Promise<ApprovalRequest[]> {
    return this.requests()
      .where('r.workspace_id', '=', workspaceId)
      .where('r.state', '=', 'pending')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('posts as p')
            .select('p.id')
            .whereRef('p.id', '=', 'r.post_id')
            .where('p.deleted_at', 'is', null),
        ),
      )
      .orderBy('r.submitted_at')
      .orderBy('r.id')
      .limit(limit)
      .execute();
  }

  /** Someone's own requests, newest first. */
  async submittedBy(workspaceId: string, userId: string, limit: number): Promise<ApprovalRequest[]> {
    return this.requests()
      .where('r.workspace_id', '=', workspaceId)
      .where('r.submitted_by', '=', userId)
      .orderBy('r.submitted_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Moves a request on, only from the state it was read in; false when someone else moved it first. */
  async moveRequest(
    id: string,
    from: { state: ApprovalRequestState; step?: number },
    to: {
      state: ApprovalRequestState;
      currentStep?: number;
      decidedAt?: Date | null;
      expiresAt?: Date | null;
    },
  ): Promise<boolean> {
    let q = this.db
      .updateTable('approval_requests')
      .set({
        state: to.state,
        ...(to.currentStep !== undefined ? { current_step: to.currentStep } : {}),
        ...(to.decidedAt !== undefined ? { decided_at: to.decidedAt } : {}),
        ...(to.expiresAt !== undefined ? { expires_at: to.expiresAt } : {}),
      })
      .where('id', '=', id)
      .where('state', '=', from.state);
    if (from.step !== undefined) q = q.where('current_step', '=', from.step);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Approved requests whose approval has lapsed by `now`, of posts with something still to send (a waiting
   * delivery, or none yet): a post already out stays approved.
   */
  async lapsed(now: Date, limit: number): Promise<ApprovalRequest[]> {
    return this.requests()
      .where('r.state', '=', 'approved')
      .where('r.expires_at', '<=', now)
      .where(({ or, exists, not, selectFrom }) =>
        or([
          exists(
            selectFrom('deliveries as d')
              .select('d.id')
              .whereRef('d.post_id', '=', 'r.post_id')
              .where('d.state', 'in', ['scheduled', 'paused']),
          ),
          not(exists(selectFrom('deliveries as d').select('d.id').whereRef('d.post_id', '=', 'r.post_id'))),
        ]),
      )
      .orderBy('r.expires_at')
      .limit(limit)
      .execute();
  }

  // --- decisions -----------------------------------------------------------------------------------

  async insertDecision(d: ApprovalDecision): Promise<void> {
    await this.db
      .insertInto('approval_decisions')
      .values({
        id: d.id,
        request_id: d.requestId,
        step: d.step,
        user_id: d.userId,
        email: d.email,
        name: d.name,
        decision: d.decision,
        note: d.note,
        checklist: JSON.stringify(d.checklist),
        created_at: d.createdAt,
      })
      .execute();
  }

  async decisions(requestIds: readonly string[]): Promise<ApprovalDecision[]> {
    if (requestIds.length === 0) return [];
    return this.db
      .selectFrom('approval_decisions')
      .select([
        'id',
        'request_id as requestId',
        'step',
        'user_id as userId',
        'email',
        'name',
        'decision',
        'note',
        'checklist',
        'created_at as createdAt',
      ])
      .where('request_id', 'in', requestIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  // --- links ---------------------------------------------------------------------------------------

  private links() {
    return this.db
      .selectFrom('approval_links as l')
      .leftJoin('users as u', 'u.id', 'l.created_by')
      .select([
        'l.id',
        'l.workspace_id as workspaceId',
        'l.email',
        'l.request_ids as requestIds',
        'l.created_by as createdBy',
        'u.name as createdByName',
        'l.created_at as createdAt',
        'l.expires_at as expiresAt',
        'l.revoked_at as revokedAt',
        'l.last_used_at as lastUsedAt',
      ]);
  }

  async insertLink(l: Omit<ApprovalLink, 'createdByName' | 'revokedAt' | 'lastUsedAt'>): Promise<void> {
    await this.db
      .insertInto('approval_links')
      .values({
        id: l.id,
        workspace_id: l.workspaceId,
        email: l.email,
        request_ids: JSON.stringify(l.requestIds),
        created_by: l.createdBy,
        created_at: l.createdAt,
        expires_at: l.expiresAt,
      })
      .execute();
  }

  async link(id: string): Promise<ApprovalLink | undefined> {
    return this.links().where('l.id', '=', id).executeTakeFirst();
  }

  /** A workspace's links, newest first; with `requestId`, those covering that request. */
  async linksOf(workspaceId: string, requestId?: string): Promise<ApprovalLink[]> {
    const rows = await this.links()
      .where('l.workspace_id', '=', workspaceId)
      .orderBy('l.created_at', 'desc')
      .limit(500)
      .execute();
    return requestId ? rows.filter((l) => l.requestIds.includes(requestId)) : rows;
  }

  async revokeLink(workspaceId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('approval_links')
      .set({ revoked_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touchLink(id: string, now: Date): Promise<void> {
    await this.db.updateTable('approval_links').set({ last_used_at: now }).where('id', '=', id).execute();
  }
}
