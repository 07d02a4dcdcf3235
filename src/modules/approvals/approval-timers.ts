import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { WorkspacePeople } from '../members/people.js';
import type { NotificationSender } from '../notifications/types.js';
import { APPROVAL_HOLD_PREFIX, type DeliveriesRepository } from '../publishing/deliveries.repository.js';
import type { PostsRepository } from '../publishing/posts.repository.js';
import type { ApprovalsRepository, ApprovalsTransaction } from './approvals.repository.js';
import { excerpt, notifySafely } from './notices.js';

/** What time does to approvals: approvals lapse, and posts reach their time unapproved. */
export class ApprovalTimers {
  constructor(
    private readonly deps: {
      repo: ApprovalsRepository;
      postsRepo: PostsRepository;
      deliveries: DeliveriesRepository;
      transaction: ApprovalsTransaction;
      people: WorkspacePeople;
      notifications: NotificationSender;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** Approvals whose time ran out (of posts with something still to send) expire; their authors are told. */
  async expireLapsed(): Promise<number> {
    const now = this.deps.clock.now();
    const lapsed = await this.deps.repo.lapsed(now, 200);
    let expired = 0;
    for (const request of lapsed) {
      const moved = await this.deps.transaction(async (r) => {
        if (!(await r.approvals.moveRequest(request.id, { state: 'approved' }, { state: 'expired' })))
          return false;
        const post = await r.posts.findPost(request.workspaceId, request.postId);
        if (post?.approvalState === 'approved')
          await r.posts.setApproval(request.postId, { state: 'expired', approved: false });
        return post !== undefined;
      });
      if (!moved) continue;
      expired += 1;
      const found = await this.deps.people.of(request.workspaceId);
      const post = await this.deps.postsRepo.findPost(request.workspaceId, request.postId);
      if (found && post) {
        await this.deps.audit.inWorkspace(
          { userId: null, tokenId: null, ip: null, userAgent: 'chorus' },
          found.workspace,
          'approval.expired',
          { type: 'post', id: request.postId },
          { requestId: request.id },
        );
        await notifySafely(
          this.deps,
          [post.createdBy, request.submittedBy].filter((x): x is string => x !== null),
          {
            workspaceId: request.workspaceId,
            type: 'approval.expired',
            title: `The approval of “${request.snapshot.title ?? excerpt(request.snapshot.body)}” expired`,
            body: `It was approved more than ${request.workflow.approvalValidDays} days ago and will not be published. Submit it for approval again.`,
            link: `/w/${request.workspaceId}/posts/${request.postId}`,
            subjectId: request.postId,
          },
        );
      }
    }
    return expired;
  }

  /** The engine held a delivery: when approval is what holds it, the author (and who submitted it) is told. */
  async held(deliveryId: string, reason: string): Promise<void> {
    if (!reason.startsWith(APPROVAL_HOLD_PREFIX)) return;
    const delivery = await this.deps.deliveries.delivery(deliveryId);
    if (!delivery) return;
    const post = await this.deps.postsRepo.findPost(delivery.workspaceId, delivery.postId);
    if (!post) return;
    const latest = (await this.deps.repo.forPost(post.id))[0];
    await notifySafely(
      this.deps,
      [post.createdBy, latest?.submittedBy ?? null].filter((x): x is string => x !== null),
      {
        workspaceId: post.workspaceId,
        type: 'approval.held',
        title: `Held: “${post.title ?? excerpt(post.body)}” is not approved`,
        body: `Its time came before it was approved, so it was not published. ${reason}`,
        link: `/w/${post.workspaceId}/posts/${post.id}`,
        subjectId: post.id,
      },
    );
  }
}
