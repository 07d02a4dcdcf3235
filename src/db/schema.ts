import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables, as repositories see them. Only repositories import this file. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface InstanceSettingsTable {
  id: number;
  setup_completed_at: Timestamp;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  email_normalized: string;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface OrganizationMembersTable {
  organization_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'member';
  created_at: CreatedAt;
}

export interface WorkspacesTable {
  id: string;
  organization_id: string;
  name: string;
  timezone: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  idle_expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  workspace_ids: Json<string[]>;
  permissions: Json<string[]>;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface InvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  email_normalized: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventsTable {
  id: string;
  organization_id: string | null;
  workspace_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface VaultSecretsTable {
  id: string;
  workspace_id: string | null;
  purpose: string;
  key_id: string;
  ciphertext: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChannelsTable {
  id: string;
  workspace_id: string;
  network: string;
  name: string;
  account: string | null;
  credential_secret_id: string | null;
  session_secret_id: string | null;
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  token_expires_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  last_checked_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  disconnected_at: Timestamp | null;
  quota_remaining: number | null;
  quota_limit: number | null;
  quota_reset_at: Timestamp | null;
  quota_scope: string | null;
  quota_seen_at: Timestamp | null;
}

export interface OAuthClientsTable {
  id: string;
  network: string;
  issuer: string;
  redirect_uri: string;
  client_id: string;
  secret_id: string | null;
  created_at: CreatedAt;
}

export interface OAuthFlowsTable {
  id: string;
  state_hash: string;
  workspace_id: string;
  user_id: string;
  network: string;
  channel_id: string | null;
  name: string | null;
  secret_id: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

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

export type PostApprovalState =
  'not_required' | 'required' | 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'expired';
export type ApprovalRequestState =
  'pending' | 'approved' | 'rejected' | 'changes_requested' | 'withdrawn' | 'superseded' | 'expired';

export interface ApprovalWorkflowsTable {
  id: string;
  workspace_id: string;
  name: string;
  position: number;
  channel_ids: ColumnType<string[], string, string>;
  required_for: ColumnType<string[], string, string>;
  steps: ColumnType<unknown, string, string>;
  on_expiry: 'hold' | 'publish';
  approval_valid_days: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApprovalRequestsTable {
  id: string;
  workspace_id: string;
  post_id: string;
  workflow_id: string | null;
  workflow: ColumnType<unknown, string, string>;
  snapshot: ColumnType<unknown, string, string>;
  content_hash: string;
  previous_id: string | null;
  state: ApprovalRequestState;
  current_step: number;
  submitted_by: string | null;
  note: string | null;
  submitted_at: Timestamp;
  decided_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export interface ApprovalDecisionsTable {
  id: string;
  request_id: string;
  step: number;
  user_id: string | null;
  email: string | null;
  name: string;
  decision: 'approved' | 'rejected' | 'changes_requested';
  note: string | null;
  checklist: ColumnType<string[], string, string>;
  created_at: Timestamp;
}

export interface ApprovalLinksTable {
  id: string;
  workspace_id: string;
  email: string;
  request_ids: ColumnType<string[], string, string>;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
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

export interface CategoriesTable {
  id: string;
  workspace_id: string;
  name: string;
  color: string | null;
  evergreen: Generated<boolean>;
  evergreen_days: number | null;
  created_at: CreatedAt;
}

export interface ChannelQueuesTable {
  channel_id: string;
  workspace_id: string;
  time_zone: string;
  paused: Generated<boolean>;
  updated_at: Timestamp;
}

export interface QueueSlotsTable {
  id: string;
  channel_id: string;
  weekday: number;
  local_time: string;
  category_id: string | null;
}

export interface CalendarNotesTable {
  id: string;
  workspace_id: string;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  kind: 'note' | 'launch' | 'holiday' | 'event';
  title: string;
  body: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface CalendarFeedsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_read_at: Timestamp | null;
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

export interface WebhookEndpointsTable {
  id: string;
  workspace_id: string;
  url: string;
  description: string;
  events: string[];
  secret_id: string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  workspace_id: string;
  event_id: string;
  event_type: string;
  payload: Json<Record<string, unknown>>;
  status: 'pending' | 'delivered' | 'failed';
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: Timestamp | null;
  locked_until: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  type: string;
  title: string;
  body: string;
  link: string;
  subject_id: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface MediaAssetsTable {
  id: string;
  workspace_id: string;
  kind: 'image' | 'video';
  mime_type: string;
  byte_size: ColumnType<string | number | bigint, number, number>;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  filename: string;
  alt_text: string;
  tags: Json<string[]>;
  storage_key: string;
  thumbnail_key: string | null;
  source_url: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: Generated<Date>;
}

export interface FeedsTable {
  id: string;
  workspace_id: string;
  url: string;
  title: Generated<string>;
  site_url: string | null;
  format: 'rss2' | 'rss1' | 'atom';
  channel_ids: string[];
  target: 'draft' | 'queue';
  template: string;
  active: Generated<boolean>;
  owner_id: string | null;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: Timestamp | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  failure_count: Generated<number>;
  next_poll_at: Timestamp;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FeedItemsTable {
  id: string;
  feed_id: string;
  item_key: string;
  title: Generated<string>;
  link: string | null;
  published_at: Timestamp | null;
  status: 'seen' | 'pending' | 'posted' | 'failed' | 'skipped';
  post_id: string | null;
  error: string | null;
  created_at: CreatedAt;
}

export interface ImportsTable {
  id: string;
  workspace_id: string;
  created_by: string | null;
  permissions: Json<string[]>;
  layout: string;
  file_name: string;
  checksum: string;
  columns: Json<string[]>;
  channel_id: string | null;
  date_format: string | null;
  status: string;
  total_rows: number;
  valid_rows: number;
  done_rows: Generated<number>;
  imported_rows: Generated<number>;
  failed_rows: Generated<number>;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface ImportRowsTable {
  import_id: string;
  row_number: number;
  status: string;
  cells: Json<string[]>;
  plan: Json<Record<string, unknown>> | null;
  problems: Json<unknown[]>;
  post_id: string | null;
}

export interface DB {
  instance_settings: InstanceSettingsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  organization_members: OrganizationMembersTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  audit_events: AuditEventsTable;
  vault_secrets: VaultSecretsTable;
  channels: ChannelsTable;
  oauth_clients: OAuthClientsTable;
  oauth_flows: OAuthFlowsTable;
  categories: CategoriesTable;
  posts: PostsTable;
  post_variants: PostVariantsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  publishing_pauses: PublishingPausesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  notifications: NotificationsTable;
  post_comments: PostCommentsTable;
  channel_queues: ChannelQueuesTable;
  queue_slots: QueueSlotsTable;
  calendar_notes: CalendarNotesTable;
  calendar_feeds: CalendarFeedsTable;
  feeds: FeedsTable;
  feed_items: FeedItemsTable;
  media_assets: MediaAssetsTable;
  imports: ImportsTable;
  import_rows: ImportRowsTable;
  approval_workflows: ApprovalWorkflowsTable;
  approval_requests: ApprovalRequestsTable;
  approval_decisions: ApprovalDecisionsTable;
  approval_links: ApprovalLinksTable;
  schema_migrations: SchemaMigrationsTable;
}

/** Tables in foreign-key order: parents first. Backup writes them in this order and restore reads them back. */
export const DATA_TABLES = [
  'instance_settings',
  'organizations',
  'users',
  'organization_members',
  'workspaces',
  'workspace_members',
  'sessions',
  'login_throttle',
  'api_tokens',
  'invitations',
  'audit_events',
  'vault_secrets',
  'channels',
  'oauth_clients',
  'oauth_flows',
  'categories',
  'posts',
  'post_variants',
  'deliveries',
  'delivery_attempts',
  'publishing_pauses',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
  'notifications',
  'post_comments',
  'channel_queues',
  'queue_slots',
  'calendar_notes',
  'calendar_feeds',
  'feeds',
  'feed_items',
  'media_assets',
  'imports',
  'import_rows',
  'approval_workflows',
  'approval_requests',
  'approval_decisions',
  'approval_links',
] as const satisfies readonly (keyof DB)[];
