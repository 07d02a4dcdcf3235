/** Row types of the tables, as repositories see them (one file per feature in ./tables). */
import type {
  InstanceSettingsTable,
  OrganizationsTable,
  UsersTable,
  OrganizationMembersTable,
  WorkspacesTable,
  WorkspaceMembersTable,
  SessionsTable,
  LoginThrottleTable,
  ApiTokensTable,
  InvitationsTable,
  AuditEventsTable,
  VaultSecretsTable,
  SchemaMigrationsTable,
} from './tables/accounts.js';
import type { ChannelsTable, OAuthClientsTable, OAuthFlowsTable } from './tables/channels.js';
import type {
  PostsTable,
  PostCommentsTable,
  PostVariantsTable,
  DeliveriesTable,
  DeliveryAttemptsTable,
  PublishingPausesTable,
} from './tables/publishing.js';
import type {
  ApprovalWorkflowsTable,
  ApprovalRequestsTable,
  ApprovalDecisionsTable,
  ApprovalLinksTable,
} from './tables/approvals.js';
import type {
  CategoriesTable,
  ChannelQueuesTable,
  QueueSlotsTable,
  CalendarNotesTable,
  CalendarFeedsTable,
} from './tables/planner.js';
import type {
  WebhookEndpointsTable,
  WebhookDeliveriesTable,
  WebhookAttemptsTable,
} from './tables/webhooks.js';
import type {
  NotificationsTable,
  NotificationPreferencesTable,
  NotificationSettingsTable,
  NotificationDigestsTable,
  NotificationEmailsTable,
} from './tables/notifications.js';
import type {
  MediaAssetsTable,
  FeedsTable,
  FeedItemsTable,
  ImportsTable,
  ImportRowsTable,
} from './tables/content.js';

export type * from './tables/accounts.js';
export type * from './tables/channels.js';
export type * from './tables/publishing.js';
export type * from './tables/approvals.js';
export type * from './tables/planner.js';
export type * from './tables/webhooks.js';
export type * from './tables/notifications.js';
export type * from './tables/content.js';

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
  notification_preferences: NotificationPreferencesTable;
  notification_settings: NotificationSettingsTable;
  notification_digests: NotificationDigestsTable;
  notification_emails: NotificationEmailsTable;
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
  'notification_preferences',
  'notification_settings',
  'notification_digests',
  'notification_emails',
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
