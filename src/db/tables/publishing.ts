// Row types: Posts, their versions, deliveries, attempts, pauses and comments.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, CreatedAt } from '../columns.js';
import type { PostApprovalState } from './approvals.js';

export interface PostsTable {
  id: string;
  workspace_id: string;
  body: string;
  approved: Generated<boolean>;
  scheduled_at: Timestamp | null;
  schedule_local: string | null;
  schedule_zone: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  kind: Generated<PostKind>;
  title: string | null;
  notes: string | null;
  tags: ColumnType<string[], string | undefined, string>;
  campaign: string | null;
  category_id: string | null;
  repeats_delivery_id: string | null;
  evergreen_since: Timestamp | null;
  approval_state: Generated<PostApprovalState>;
  approval_expires_at: Timestamp | null;
  send_unapproved: Generated<boolean>;
}

export type PostKind = 'post' | 'idea';

export interface PostCommentsTable {
  id: string;
  workspace_id: string;
  post_id: string;
  channel_id: string | null;
  parent_id: string | null;
  author_id: string | null;
  body: string;
  mentions: ColumnType<string[], string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
  external_author: string | null;
}

export interface PostVariantsTable {
  id: string;
  post_id: string;
  channel_id: string;
  body: string | null;
  thread: ColumnType<string[], string, string>;
  options: ColumnType<Record<string, unknown>, string, string>;
  media: ColumnType<{ assetId: string; alt?: string }[], string | undefined, string>;
}

export type DeliveryState =
  'scheduled' | 'sending' | 'published' | 'failed' | 'unconfirmed' | 'paused' | 'cancelled';

export interface DeliveriesTable {
  id: string;
  workspace_id: string;
  post_id: string;
  variant_id: string;
  channel_id: string;
  state: DeliveryState;
  state_reason: string | null;
  due_at: Timestamp;
  next_attempt_at: Timestamp | null;
  idempotency_key: string;
  attempts: Generated<number>;
  sending_since: Timestamp | null;
  first_sent_at: Timestamp | null;
  remote_id: string | null;
  remote_url: string | null;
  published_at: Timestamp | null;
  lateness_ms: number | null;
  error_kind: string | null;
  error_message: string | null;
  updated_at: Timestamp;
  queued: Generated<boolean>;
  queue_held: Generated<boolean>;
}

export type AttemptOutcome =
  'published' | 'failed' | 'retry' | 'unconfirmed' | 'reconciled_published' | 'reconciled_absent' | 'held';

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  number: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  request: ColumnType<Record<string, unknown>, string, string>;
  outcome: AttemptOutcome | null;
  error_kind: string | null;
  error_message: string | null;
  remote_id: string | null;
  remote_url: string | null;
}

export interface PublishingPausesTable {
  id: string;
  scope: 'global' | 'workspace' | 'channel';
  scope_id: string | null;
  reason: string | null;
  paused_by: string | null;
  paused_at: CreatedAt;
}
