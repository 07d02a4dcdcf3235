/** Shapes of posts, variants, deliveries and attempts, and how rows become them. */
import type { AttemptOutcome, DeliveryState, PostApprovalState, PostKind } from '../../db/schema.js';

export type { DeliveryState, PostApprovalState, PostKind };

export interface Post {
  id: string;
  workspaceId: string;
  body: string;
  approved: boolean;
  scheduledAt: Date | null;
  scheduleLocal: string | null;
  scheduleZone: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  /** An idea is a backlog item with no channels or time yet; a post without a schedule is a draft. */
  kind: PostKind;
  title: string | null;
  notes: string | null;
  tags: string[];
  campaign: string | null;
  categoryId: string | null;
  /** For an evergreen repeat: the delivery it repeats. */
  repeatsDeliveryId: string | null;
  evergreenSince: Date | null;
  /** Where the post stands with approvals (docs/approvals.md); `approved` is what the engine reads. */
  approvalState: PostApprovalState;
  /** While approved: when the approval lapses. */
  approvalExpiresAt: Date | null;
  /** Pending under a workflow that publishes anyway when the time comes. */
  sendUnapproved: boolean;
}

export interface Variant {
  id: string;
  postId: string;
  channelId: string;
  body: string | null;
  thread: string[];
  options: Record<string, unknown>;
  /** Library assets this channel's version sends, in order, with per-use alt text. */
  media: MediaUse[];
}

/** One use of a media library asset in a post (see src/modules/media). */
export interface MediaUse {
  assetId: string;
  alt?: string | undefined;
}

export interface Delivery {
  id: string;
  workspaceId: string;
  postId: string;
  variantId: string;
  channelId: string;
  state: DeliveryState;
  stateReason: string | null;
  dueAt: Date;
  nextAttemptAt: Date | null;
  idempotencyKey: string;
  attempts: number;
  sendingSince: Date | null;
  firstSentAt: Date | null;
  remoteId: string | null;
  remoteUrl: string | null;
  publishedAt: Date | null;
  latenessMs: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  updatedAt: Date;
  /** The time came from the channel's queue (recalculating may move it), not from a person. */
  queued: boolean;
  /** Held because the channel's queue is paused. */
  queueHeld: boolean;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  number: number;
  startedAt: Date;
  finishedAt: Date | null;
  request: Record<string, unknown>;
  outcome: AttemptOutcome | null;
  errorKind: string | null;
  errorMessage: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
}

export type PauseScope = 'global' | 'workspace' | 'channel';

export type PostRow = {
  id: string;
  workspace_id: string;
  body: string;
  approved: boolean;
  scheduled_at: Date | null;
  schedule_local: string | null;
  schedule_zone: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  kind: PostKind;
  title: string | null;
  notes: string | null;
  tags: string[];
  campaign: string | null;
  category_id: string | null;
  repeats_delivery_id: string | null;
  evergreen_since: Date | null;
  approval_state: PostApprovalState;
  approval_expires_at: Date | null;
  send_unapproved: boolean;
};
export const toPost = (r: PostRow): Post => ({
  id: r.id,
  workspaceId: r.workspace_id,
  body: r.body,
  approved: r.approved,
  scheduledAt: r.scheduled_at,
  scheduleLocal: r.schedule_local,
  scheduleZone: r.schedule_zone,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
  kind: r.kind,
  title: r.title,
  notes: r.notes,
  tags: r.tags,
  campaign: r.campaign,
  categoryId: r.category_id,
  repeatsDeliveryId: r.repeats_delivery_id,
  evergreenSince: r.evergreen_since,
  approvalState: r.approval_state,
  approvalExpiresAt: r.approval_expires_at,
  sendUnapproved: r.send_unapproved,
});

export type DeliveryRow = {
  id: string;
  workspace_id: string;
  post_id: string;
  variant_id: string;
  channel_id: string;
  state: DeliveryState;
  state_reason: string | null;
  due_at: Date;
  next_attempt_at: Date | null;
  idempotency_key: string;
  attempts: number;
  sending_since: Date | null;
  first_sent_at: Date | null;
  remote_id: string | null;
  remote_url: string | null;
  published_at: Date | null;
  lateness_ms: number | null;
  error_kind: string | null;
  error_message: string | null;
  updated_at: Date;
  queued: boolean;
  queue_held: boolean;
};
export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  workspaceId: r.workspace_id,
  postId: r.post_id,
  variantId: r.variant_id,
  channelId: r.channel_id,
  state: r.state,
  stateReason: r.state_reason,
  dueAt: r.due_at,
  nextAttemptAt: r.next_attempt_at,
  idempotencyKey: r.idempotency_key,
  attempts: r.attempts,
  sendingSince: r.sending_since,
  firstSentAt: r.first_sent_at,
  remoteId: r.remote_id,
  remoteUrl: r.remote_url,
  publishedAt: r.published_at,
  latenessMs: r.lateness_ms,
  errorKind: r.error_kind,
  errorMessage: r.error_message,
  updatedAt: r.updated_at,
  queued: r.queued,
  queueHeld: r.queue_held,
});

export const DELIVERY_COLUMNS = [
  'id',
  'workspace_id',
  'post_id',
  'variant_id',
  'channel_id',
  'state',
  'state_reason',
  'due_at',
  'next_attempt_at',
  'idempotency_key',
  'attempts',
  'sending_since',
  'first_sent_at',
  'remote_id',
  'remote_url',
  'published_at',
  'lateness_ms',
  'error_kind',
  'error_message',
  'updated_at',
  'queued',
  'queue_held',
] as const;

export const POST_COLUMNS = [
  'id',
  'workspace_id',
  'body',
  'approved',
  'scheduled_at',
  'schedule_local',
  'schedule_zone',
  'created_by',
  'created_at',
  'updated_at',
  'deleted_at',
  'kind',
  'title',
  'notes',
  'tags',
  'campaign',
  'category_id',
  'repeats_delivery_id',
  'evergreen_since',
  'approval_state',
  'approval_expires_at',
  'send_unapproved',
] as const;

/** What a claimed delivery needs to be sent: its text and the channel to send it through. */
export interface ClaimedDelivery {
  delivery: Delivery;
  text: string;
  thread: string[];
  options: Record<string, unknown>;
  /** Assets to send; their bytes are loaded after the claim, only for deliveries that have any. */
  media: MediaUse[];
  attemptId: string;
}

/** States a person or the engine may still change before the delivery is sent. */
export const WAITING_STATES: readonly DeliveryState[] = ['scheduled', 'paused'];
