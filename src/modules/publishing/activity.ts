import { notFound } from '../../core/errors.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { PostsRepository } from './posts.repository.js';

/** One thing that happened to a post, for its history. */
export interface ActivityEntry {
  at: Date;
  /** The audit action (`post.updated`, `comment.created`, …) or `delivery.<outcome>` for an attempt. */
  kind: string;
  actorId: string | null;
  actorName: string | null;
  channelId: string | null;
  summary: string;
  /** For edits: what changed, from what to what (see `changesBetween`). */
  changes?: Record<string, { from: unknown; to: unknown }>;
}

const SUMMARIES: Record<string, string> = {
  'post.created': 'Created the post',
  'idea.created': 'Noted it as an idea',
  'idea.converted': 'Turned the idea into a post',
  'post.updated': 'Edited the post',
  'post.retried': 'Sent the failed channels again',
  'post.deleted': 'Deleted the post',
  'delivery.resolved': 'Settled an unconfirmed delivery',
  'delivery.rescheduled': 'Moved a delivery to another time',
  'comment.created': 'Commented',
  'comment.edited': 'Edited a comment',
  'comment.deleted': 'Deleted a comment',
  'approval.submitted': 'Submitted it for approval',
  'approval.sent_back': 'Changed it after it was submitted, so it went back for approval',
  'approval.withdrawn': 'Withdrew it from approval',
  'approval.approved': 'Approved: every step said yes',
  'approval.expired': 'The approval expired',
  'approval.link_sent': 'Sent an approval link',
};

const DECIDED: Record<string, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Requested changes',
};

/** What an approval event says beyond its name: the step, the note, the address. */
function approvalSummary(action: string, data: Record<string, unknown>, base: string): string {
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : null);
  if (action === 'approval.decided') {
    const step = str('stepName');
    const note = str('note');
    return `${DECIDED[str('decision') ?? ''] ?? 'Decided'}${step ? ` at step “${step}”` : ''}${note ? `: “${note}”` : ''}`;
  }
  if (action === 'approval.link_sent' && str('email')) return `${base} to ${str('email')}`;
  if ((action === 'approval.submitted' || action === 'approval.sent_back') && str('workflow'))
    return `${base} (${str('workflow')})${str('note') ? `: “${str('note')}”` : ''}`;
  return base;
}

const OUTCOMES: Record<string, string> = {
  published: 'Published',
  failed: 'Failed',
  retry: 'Failed for now; will try again',
  unconfirmed: 'Sent, but the answer was lost: unconfirmed',
  reconciled_published: 'Confirmed as published',
  reconciled_absent: 'Confirmed as not published; sent again',
  held: 'Held',
};

/**
 * A post's history, oldest first: what people did (created, edited with what changed, scheduled, moved,
 * commented — from the audit log) and what happened on each channel (every finished attempt).
 */
export class PostActivity {
  constructor(private readonly deps: { audit: AuditRepository; posts: PostsRepository }) {}

  async list(access: WorkspaceAccess, postId: string): Promise<ActivityEntry[]> {
    const post = await this.deps.posts.findPost(access.workspace.id, postId);
    if (!post) throw notFound('Post');
    const [events, deliveries] = await Promise.all([
      this.deps.audit.aboutTarget(access.workspace.id, 'post', post.id, 1_000),
      this.deps.posts.deliveries([post.id]),
    ]);
    const attempts = await this.deps.posts.attempts(deliveries.map((d) => d.id));
    const channelOf = new Map(deliveries.map((d) => [d.id, d.channelId]));
    const entries: ActivityEntry[] = events.map((e) => {
      const changes = e.data.changes as ActivityEntry['changes'];
      const scheduled = typeof e.data.scheduledAt === 'string' ? e.data.scheduledAt : null;
      let summary = SUMMARIES[e.action] ?? e.action;
      if (e.action === 'post.created' && e.data.queued) summary += ', added to the queue';
      else if (e.action === 'post.created' && scheduled) summary += `, scheduled for ${scheduled}`;
      if (e.action === 'delivery.rescheduled' && typeof e.data.to === 'string')
        summary += ` (${String(e.data.from)} → ${e.data.to})`;
      if (e.action.startsWith('approval.')) summary = approvalSummary(e.action, e.data, summary);
      return {
        at: e.createdAt,
        kind: e.action,
        actorId: e.actorUserId,
        // Someone without an account (an approval link) is named by the address they decided as.
        actorName: e.actorName ?? (typeof e.data.byName === 'string' ? e.data.byName : null),
        channelId: null,
        summary,
        ...(changes && Object.keys(changes).length > 0 ? { changes } : {}),
      };
    });
    for (const a of attempts) {
      if (!a.outcome || !a.finishedAt) continue;
      entries.push({
        at: a.finishedAt,
        kind: `delivery.${a.outcome}`,
        actorId: null,
        actorName: null,
        channelId: channelOf.get(a.deliveryId) ?? null,
        summary: `${OUTCOMES[a.outcome] ?? a.outcome}${a.errorMessage ? `: ${a.errorMessage}` : ''}`,
      });
    }
    return entries.sort((x, y) => x.at.getTime() - y.at.getTime());
  }
}
