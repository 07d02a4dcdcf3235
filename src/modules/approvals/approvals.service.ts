import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { ApprovalRequestState } from '../../db/schema.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { WorkspacePeople, WorkspacePerson } from '../members/people.js';
import type { NotificationSender } from '../notifications/types.js';
import { APPROVAL_HOLD_PREFIX, type DeliveriesRepository } from '../publishing/deliveries.repository.js';
import type { PostsRepository } from '../publishing/posts.repository.js';
import type { PostsService } from '../publishing/posts.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.repository.js';
import type {
  ApprovalDecision,
  ApprovalRequest,
  ApprovalsRepository,
  ApprovalsTransaction,
} from './approvals.repository.js';
import { deciders, sameDecider, stepComplete, type Decider } from './approvers.js';
import { excerpt, notifySafely } from './notices.js';
import { snapshotOf } from './snapshot.js';
import { approvalRequired } from './workflows.js';

export type DecisionKind = 'approve' | 'reject' | 'request_changes';

export interface DecisionInput {
  decision: DecisionKind;
  note?: string | undefined;
  checklist?: string[] | undefined;
  /** The `contentHash` of the request as the approver saw it. */
  contentHash: string;
}

const RECORDED: Record<DecisionKind, ApprovalDecision['decision']> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'changes_requested',
};

const MAX_NOTE = 2_000;

/** What the links for approvers without an account need from requests (links.service.ts). */
export interface ExternalInvites {
  /** E-mails each address a link to this request (its step has just become current). */
  invite(workspace: Workspace, request: ApprovalRequest, emails: readonly string[]): Promise<void>;
}

export const staleError = (message: string) =>
  new AppError('conflict', message, { details: { reason: 'stale' } });

/**
 * Approval requests: submitting a post freezes what is approved (a snapshot and its hash); approvers decide
 * step by step; the post publishes only once the last step approves (the engine reads `posts.approved`).
 * Every decision is audit-logged on the post, so it appears in the post's activity.
 */
export class ApprovalsService {
  /** The links for approvers without an account; set once both exist (services.ts). */
  externalInvites: ExternalInvites | undefined;

  constructor(
    private readonly deps: {
      repo: ApprovalsRepository;
      posts: PostsService;
      postsRepo: PostsRepository;
      deliveries: DeliveriesRepository;
      transaction: ApprovalsTransaction;
      people: WorkspacePeople;
      notifications: NotificationSender;
      audit: AuditService;
      enqueue: (deliveryId: string, at: Date) => Promise<unknown>;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  // --- the gate the posts service asks -------------------------------------------------------------

  async required(access: WorkspaceAccess, channelIds: readonly string[]): Promise<boolean> {
    return approvalRequired(await this.deps.repo.workflows(access.workspace.id), access.role, channelIds);
  }

  /** An edit changed a pending or approved post: its request is superseded by a new one. */
  async sendBack(access: WorkspaceAccess, actor: Actor, postId: string): Promise<void> {
    try {
      await this.submit(access, actor, postId, { note: null, sentBack: true });
    } catch (error) {
      // The edit is saved whatever happens here: when the post cannot go back to its approvers (nobody left
      // to approve a step), it waits to be submitted again, which says why.
      if (!(error instanceof AppError)) throw error;
      const open = (await this.deps.repo.forPost(postId)).find(
        (r) => r.state === 'pending' || r.state === 'approved',
      );
      const now = this.deps.clock.now();
      await this.deps.transaction(async (r) => {
        if (open)
          await r.approvals.moveRequest(
            open.id,
            { state: open.state },
            { state: 'superseded', decidedAt: now },
          );
        await r.posts.setApproval(postId, { state: 'required', approved: false });
      });
      this.deps.logger.warn(
        { postId, err: error.message },
        'an edited post could not go back to its approvers',
      );
    }
  }

  // --- requests ------------------------------------------------------------------------------------

  private async people(workspaceId: string): Promise<WorkspacePerson[]> {
    return (await this.deps.people.of(workspaceId))?.people ?? [];
  }

  async submit(
    access: WorkspaceAccess,
    actor: Actor,
    postId: string,
    options: { note: string | null; sentBack?: boolean },
  ): Promise<ApprovalRequest> {
    const view = await this.deps.posts.get(access, postId);
    if (view.post.kind === 'idea')
      throw conflict('An idea cannot be approved: turn it into a post first, then submit it.');
    const { snapshot, hash } = snapshotOf(view);
    if (snapshot.channels.length === 0)
      throw invalid('The post has no channel: choose where it goes, then submit it for approval.');
    const waiting = view.deliveries.filter((d) => d.state !== 'cancelled');
    if (waiting.length > 0 && waiting.every((d) => d.state === 'published'))
      throw conflict('This post is already published: there is nothing left to approve.');
    const note = options.note?.trim() ? options.note.trim().slice(0, MAX_NOTE) : null;
    const history = await this.deps.repo.forPost(postId);
    const latest = history[0];
    const open = latest && (latest.state === 'pending' || latest.state === 'approved') ? latest : undefined;
    if (!options.sentBack && open?.contentHash === hash) {
      throw conflict(
        open.state === 'pending'
          ? 'This post is already waiting for approval, unchanged. Withdraw it first to submit it again.'
          : 'This post is already approved as it is: there is nothing new to approve.',
      );
    }
    const workflow = await this.deps.repo.workflowOf(
      access.workspace.id,
      snapshot.channels.map((c) => c.channelId),
    );
    const people = await this.people(access.workspace.id);
    const excluded = [view.post.createdBy, actor.userId];
    workflow.terms.steps.forEach((step, i) => {
      if (deciders(step, people, excluded).length === 0) {
        throw invalid(
          `Nobody can approve step ${i + 1} ("${step.name}") of "${workflow.terms.name}": its approvers are only you or the post's author, or nobody reaches the workspace. Ask a manager to add approvers to the workflow.`,
        );
      }
    });
    const now = this.deps.clock.now();
    const request: ApprovalRequest = {
      id: newId(),
      workspaceId: access.workspace.id,
      postId,
      workflowId: workflow.id,
      workflow: workflow.terms,
      snapshot,
      contentHash: hash,
      previousId: latest?.id ?? null,
      state: 'pending',
      currentStep: 0,
      submittedBy: actor.userId,
      submittedByName: null,
      note,
      submittedAt: now,
      decidedAt: null,
      expiresAt: null,
    };
    const sendUnapproved = workflow.terms.onExpiry === 'publish';
    await this.deps.transaction(async (r) => {
      if (open)
        await r.approvals.moveRequest(
          open.id,
          { state: open.state },
          { state: 'superseded', decidedAt: now },
        );
      await r.approvals.insertRequest(request);
      await r.posts.setApproval(postId, { state: 'pending', approved: false, sendUnapproved });
    });
    if (sendUnapproved) await this.releaseHeld(postId);
    await this.record(
      actor,
      access.workspace,
      options.sentBack ? 'approval.sent_back' : 'approval.submitted',
      postId,
      {
        requestId: request.id,
        workflow: workflow.terms.name,
        ...(note ? { note } : {}),
        ...(open ? { replaces: open.id } : {}),
      },
    );
    await this.stepStarted(access.workspace, request, view.post.createdBy, people);
    return (await this.deps.repo.request(access.workspace.id, request.id))!;
  }

  /** The author takes a pending post back: it needs submitting again before it can publish. */
  async withdraw(access: WorkspaceAccess, actor: Actor, postId: string): Promise<ApprovalRequest> {
    const post = await this.deps.postsRepo.findPost(access.workspace.id, postId);
    if (!post) throw notFound('Post');
    const pending = (await this.deps.repo.forPost(postId)).find((r) => r.state === 'pending');
    if (!pending) throw conflict('This post is not waiting for approval: there is nothing to withdraw.');
    const required = await this.required(
      access,
      pending.snapshot.channels.map((c) => c.channelId),
    );
    const now = this.deps.clock.now();
    await this.deps.transaction(async (r) => {
      if (
        !(await r.approvals.moveRequest(
          pending.id,
          { state: 'pending' },
          { state: 'withdrawn', decidedAt: now },
        ))
      )
        throw conflict('The request changed meanwhile; reload and try again.');
      // A post that needs no approval of this person publishes as before; otherwise it waits to be submitted.
      await r.posts.setApproval(postId, {
        state: required ? 'required' : 'not_required',
        approved: !required,
      });
    });
    if (!required) await this.releaseHeld(postId);
    await this.record(actor, access.workspace, 'approval.withdrawn', postId, { requestId: pending.id });
    return (await this.deps.repo.request(access.workspace.id, pending.id))!;
  }

  /** A member decides the current step of a request. */
  async decide(
    access: WorkspaceAccess,
    actor: Actor,
    requestId: string,
    input: DecisionInput,
  ): Promise<ApprovalRequest> {
    const request = await this.deps.repo.request(access.workspace.id, requestId);
    if (!request) throw notFound('Approval request');
    if (!actor.userId) throw forbidden('Only a person decides on a post.');
    const person = (await this.people(access.workspace.id)).find((p) => p.userId === actor.userId);
    await this.decideAs(
      access.workspace,
      request,
      { userId: actor.userId, name: person?.name ?? 'Someone' },
      input,
      actor,
    );
    return (await this.deps.repo.request(access.workspace.id, requestId))!;
  }

  /**
   * Records one decision on the current step of a pending request, by a member or an address deciding
   * through a link, and moves the request (and the post) on.
   */
  async decideAs(
    workspace: Workspace,
    request: ApprovalRequest,
    who: Decider,
    input: DecisionInput,
    actor: Actor,
  ): Promise<void> {
    if (request.state === 'superseded')
      throw staleError(
        'The post changed since you opened it and was sent for approval again: reload to see the new version.',
      );
    if (request.state !== 'pending')
      throw conflict(`This request is ${request.state.replace('_', ' ')}: there is nothing left to decide.`);
    if (input.contentHash !== request.contentHash)
      throw staleError('The post changed since you opened it: reload it and decide on what it says now.');
    const post = await this.deps.postsRepo.findPost(workspace.id, request.postId);
    if (!post) throw notFound('Post');
    const excluded = [post.createdBy, request.submittedBy];
    if ('userId' in who && excluded.includes(who.userId))
      throw forbidden('Nobody approves their own post: someone else must decide on it.');
    const stepIndex = request.currentStep;
    const step = request.workflow.steps[stepIndex]!;
    const people = await this.people(workspace.id);
    const everyone = deciders(step, people, excluded);
    if (
      !everyone.some((d) =>
        sameDecider(
          d,
          'userId' in who ? { userId: who.userId, email: null } : { userId: null, email: who.email },
        ),
      )
    )
      throw forbidden(
        `You are not an approver of step ${stepIndex + 1} ("${step.name}"); it waits for ${everyone.map((d) => ('userId' in d ? d.name : d.email)).join(', ')}.`,
      );
    const decided = (await this.deps.repo.decisions([request.id])).filter((d) => d.step === stepIndex);
    const mine = (d: ApprovalDecision) => ('userId' in who ? d.userId === who.userId : d.email === who.email);
    if (decided.some(mine)) throw conflict('You already decided on this step.');
    const note = input.note?.trim() ? input.note.trim() : null;
    if (note && note.length > MAX_NOTE)
      throw invalid(`note is ${note.length} characters; at most ${MAX_NOTE}.`);
    if (input.decision !== 'approve' && !note)
      throw invalid(
        input.decision === 'reject'
          ? 'Say why you reject it: a note is required, so the author knows what to do.'
          : 'Say what should change: a note is required.',
      );
    const ticked = [...new Set(input.checklist ?? [])];
    if (input.decision === 'approve') {
      const missing = step.checklist.filter((item) => !ticked.includes(item));
      if (missing.length > 0)
        throw invalid(
          `Tick every item of the checklist to approve; not ticked: ${missing.map((m) => `"${m}"`).join(', ')}.`,
          {
            missing,
          },
        );
    }
    const now = this.deps.clock.now();
    const decision: ApprovalDecision = {
      id: newId(),
      requestId: request.id,
      step: stepIndex,
      userId: 'userId' in who ? who.userId : null,
      email: 'email' in who ? who.email : null,
      name: 'userId' in who ? who.name : who.email,
      decision: RECORDED[input.decision],
      note,
      checklist: ticked.filter((t) => step.checklist.includes(t)),
      createdAt: now,
    };
    const approvals = [...decided.filter((d) => d.decision === 'approved'), decision];
    const last = stepIndex === request.workflow.steps.length - 1;
    const outcome: 'next' | 'approved' | 'stays' | 'rejected' | 'changes_requested' =
      input.decision === 'approve'
        ? stepComplete(
            step,
            everyone,
            approvals.filter((d) => d.decision === 'approved'),
          )
          ? last
            ? 'approved'
            : 'next'
          : 'stays'
        : RECORDED[input.decision] === 'rejected'
          ? 'rejected'
          : 'changes_requested';
    const days = request.workflow.approvalValidDays;
    const expiresAt = outcome === 'approved' && days ? new Date(now.getTime() + days * 86_400_000) : null;
    await this.deps.transaction(async (r) => {
      await r.approvals.insertDecision(decision);
      if (outcome === 'stays') return;
      const to: {
        state: ApprovalRequestState;
        currentStep?: number;
        decidedAt?: Date;
        expiresAt?: Date | null;
      } =
        outcome === 'next'
          ? { state: 'pending', currentStep: stepIndex + 1 }
          : { state: outcome, decidedAt: now, expiresAt };
      if (!(await r.approvals.moveRequest(request.id, { state: 'pending', step: stepIndex }, to)))
        throw conflict('Someone decided on this request meanwhile; reload and try again.');
      if (outcome === 'approved')
        await r.posts.setApproval(request.postId, { state: 'approved', approved: true, expiresAt });
      else if (outcome === 'rejected' || outcome === 'changes_requested')
        await r.posts.setApproval(request.postId, { state: outcome, approved: false });
    });
    await this.record(actor, workspace, 'approval.decided', request.postId, {
      requestId: request.id,
      step: stepIndex,
      stepName: step.name,
      decision: decision.decision,
      byName: decision.name,
      ...(decision.email ? { byEmail: decision.email } : {}),
      ...(note ? { note } : {}),
      ...(decision.checklist.length > 0 ? { checklist: decision.checklist } : {}),
    });
    const told = [post.createdBy, request.submittedBy].filter((id): id is string => id !== null);
    const link = `/w/${workspace.id}/posts/${request.postId}`;
    const title = request.snapshot.title ?? excerpt(request.snapshot.body);
    if (outcome === 'approved') {
      await this.record(actor, workspace, 'approval.approved', request.postId, {
        requestId: request.id,
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      });
      await this.releaseHeld(request.postId);
      await notifySafely(this.deps, told, {
        workspaceId: workspace.id,
        type: 'approval.approved',
        title: `Approved: “${title}”`,
        body: `${decision.name} gave the last approval. The post publishes at its time.`,
        link,
        subjectId: request.postId,
      });
    } else if (outcome === 'rejected' || outcome === 'changes_requested') {
      await notifySafely(this.deps, told, {
        workspaceId: workspace.id,
        type: 'approval.rejected',
        title:
          outcome === 'rejected'
            ? `${decision.name} rejected “${title}”`
            : `${decision.name} asked for changes to “${title}”`,
        body: `${note ?? ''} Edit the post and submit it again.`.trim(),
        link,
        subjectId: request.postId,
      });
    } else if (outcome === 'next') {
      const moved = (await this.deps.repo.request(workspace.id, request.id))!;
      await this.stepStarted(workspace, moved, post.createdBy, people);
    }
  }

  /** The current step has started: its members are told in the app, its addresses get a link by e-mail. */
  private async stepStarted(
    workspace: Workspace,
    request: ApprovalRequest,
    author: string | null,
    people: WorkspacePerson[],
  ): Promise<void> {
    const step = request.workflow.steps[request.currentStep]!;
    const everyone = deciders(step, people, [author, request.submittedBy]);
    const title = request.snapshot.title ?? excerpt(request.snapshot.body);
    await notifySafely(
      this.deps,
      everyone.flatMap((d) => ('userId' in d ? [d.userId] : [])),
      {
        workspaceId: workspace.id,
        type: 'approval.requested',
        title: `Waiting for your approval: “${title}”`,
        body: `Step ${request.currentStep + 1} of ${request.workflow.steps.length}: ${step.name}.${
          request.note ? ` Note: ${request.note}` : ''
        }`,
        link: `/w/${workspace.id}/posts/${request.postId}`,
        subjectId: request.id,
      },
    );
    const emails = everyone.flatMap((d) => ('email' in d ? [d.email] : []));
    if (emails.length > 0 && this.externalInvites) {
      await this.externalInvites
        .invite(workspace, request, emails)
        .catch((error: unknown) =>
          this.deps.logger.error(
            { err: (error as Error).message, requestId: request.id },
            'approval link invite failed',
          ),
        );
    }
  }

  /** Deliveries the engine held because the post was not approved go out now (or at their time if later). */
  private async releaseHeld(postId: string): Promise<number> {
    const now = this.deps.clock.now();
    const held = (await this.deps.postsRepo.deliveries([postId])).filter(
      (d) => d.state === 'paused' && d.stateReason?.startsWith(APPROVAL_HOLD_PREFIX),
    );
    let released = 0;
    for (const d of held) {
      const at = d.dueAt > now ? d.dueAt : now;
      if ((await this.deps.postsRepo.reschedule([d.id], at, now, ['paused'])).length > 0) {
        await this.deps.enqueue(d.id, at);
        released += 1;
      }
    }
    return released;
  }

  private record(
    actor: Actor,
    workspace: Workspace,
    action: string,
    postId: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.inWorkspace(actor, workspace, action, { type: 'post', id: postId }, data);
  }
}
