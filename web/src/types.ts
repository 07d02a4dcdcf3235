/** Shapes of the Chorus HTTP API (`/api/v1`) as the web app uses them. */

export type RoleId =
  'owner' | 'admin' | 'manager' | 'editor' | 'community_manager' | 'media_buyer' | 'analyst' | 'client';

export type PermissionId = string;

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  role: string;
}

export interface Workspace {
  id: string;
  name: string;
  organizationId: string;
  timezone: string;
  role: RoleId;
  permissions: PermissionId[];
}

export interface Me {
  user: User;
  csrfToken: string;
  organizations: Organization[];
  workspaces: Workspace[];
}

/** Returned by setup, login and invitation acceptance: the caller is now logged in. */
export interface SessionStart {
  user: User;
  csrfToken: string;
}

export interface SetupStatus {
  needsSetup: boolean;
}

export interface SetupInput {
  name: string;
  email: string;
  password: string;
  organizationName: string;
  workspaceName: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface WorkspaceList {
  workspaces: Workspace[];
}

export interface CreateWorkspaceInput {
  organizationId: string;
  name: string;
  timezone: string;
}

export interface RoleInfo {
  id: RoleId;
  label: string;
  description: string;
}

export interface PermissionInfo {
  id: PermissionId;
  description: string;
}

export interface RolesCatalog {
  roles: RoleInfo[];
  permissions: PermissionInfo[];
  matrix: Partial<Record<RoleId, PermissionId[]>>;
}

export type MemberSource = 'workspace' | 'organization';

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: RoleId;
  source: MemberSource;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: RoleId;
  createdAt: string;
  expiresAt: string;
  invitedByName: string | null;
}

export interface CreateInvitationInput {
  email: string;
  role: RoleId;
}

export interface CreatedInvitation {
  invitation: Invitation;
  emailSent: boolean;
  /** Only set when the server cannot send e-mail: the inviter passes this link on by hand. */
  acceptUrl?: string | null;
}

export interface InvitationPreview {
  email: string;
  role: RoleId;
  workspaceName: string;
  organizationName: string;
  userExists: boolean;
}

export interface AcceptInvitationInput {
  token: string;
  name?: string;
  password: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  workspaceIds: string[];
  permissions: PermissionId[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  workspaceIds: string[];
  permissions: PermissionId[];
  expiresInDays?: number;
}

export interface CreatedToken {
  token: ApiToken;
  /** The full secret; the server never shows it again. */
  secret: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  createdAt: string;
  data: unknown;
}

export interface AuditEventPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

export interface NetworkCredentialField {
  name: string;
  label: string;
  /** Entered in a password input and never shown again. */
  secret: boolean;
  help?: string;
}

export interface NetworkInfo {
  id: string;
  name: string;
  docsUrl: string;
  verification: string;
  auth: {
    kind: string;
    fields: NetworkCredentialField[];
  };
  /** Present when the network can be connected by signing in on it; the fields asked first. */
  oauth: { fields: NetworkCredentialField[] } | null;
  /** Which look the composer's preview borrows. */
  preview: PreviewStyle;
  limits: NetworkLimits;
  /** Options a post for this network takes, as form fields. */
  options: PostOptionField[];
}

export type PreviewStyle = 'bluesky' | 'mastodon' | 'telegram' | 'discord' | 'slack' | 'webhook';

export interface NetworkLimits {
  text: {
    max: number;
    unit: 'graphemes' | 'characters' | 'weighted';
    /** Every http(s) link counts as this many units; null: as written. */
    linkLength: number | null;
    /** A mention of a remote account (@user@server) counts only "@user". */
    remoteMentionCountsUser: boolean;
  };
  media: {
    maxItems: number;
    types: string[];
    maxBytes: number;
    maxVideoSeconds: number | null;
    altTextMax: number | null;
  };
  threads: boolean;
  firstComment: boolean;
}

export type PostOptionField = { name: string; label: string; help?: string } & (
  | { kind: 'choice'; choices: { value: string; label: string }[] }
  | { kind: 'text'; maxLength?: number; countsTowardText?: boolean }
  | { kind: 'boolean' }
  | { kind: 'languages'; max: number }
);

export type ChannelStatus = 'connected' | 'needs_reconnect' | 'disconnected';

export interface Channel {
  id: string;
  network: string;
  name: string;
  account: string | null;
  status: ChannelStatus;
  tokenExpiresAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastCheckedAt: string | null;
  /** The request budget the network last reported, if it reports one. */
  quota: { remaining: number; limit: number; resetAt: string | null; scope: string; seenAt: string } | null;
  createdAt: string;
}

export interface StartSignInInput {
  network: string;
  name?: string;
  /** Set to reconnect this channel by signing in again. */
  channelId?: string;
  fields: ChannelCredential;
}

export interface SignInAnswer {
  state: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

/** Credential values by field name, as the network's `auth.fields` describe them. */
export type ChannelCredential = Record<string, string>;

export interface ConnectChannelInput {
  network: string;
  name?: string;
  credential: ChannelCredential;
}

export interface WebhookEventInfo {
  type: string;
  description: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** Why Chorus disabled it (the receiver answered 410 Gone); null when a person disabled it. */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Returned by creating an endpoint and rotating its secret: the secret is never shown again. */
export interface WebhookWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface CreateWebhookInput {
  url: string;
  description?: string;
  events: string[];
}

export interface UpdateWebhookInput {
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: Record<string, unknown>;
  attempts: WebhookAttempt[];
}

export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
}

/** Where one post stands on one channel. */
export type DeliveryState =
  'scheduled' | 'sending' | 'published' | 'failed' | 'unconfirmed' | 'paused' | 'cancelled';

/** One summary of a post's deliveries. */
export type PostStatus =
  'draft' | 'scheduled' | 'sending' | 'published' | 'partly_published' | 'needs_attention' | 'cancelled';

export interface Delivery {
  id: string;
  postId: string;
  channelId: string;
  state: DeliveryState;
  /** A sentence written to be shown as is. */
  reason: string | null;
  dueAt: string;
  nextAttemptAt: string | null;
  attempts: number;
  remoteId: string | null;
  /** The published post on the network, when the network gives one. */
  url: string | null;
  publishedAt: string | null;
  latenessMs: number | null;
  errorKind: string | null;
  error: string | null;
}

export type AttemptOutcome =
  'published' | 'failed' | 'retry' | 'unconfirmed' | 'reconciled_published' | 'reconciled_absent' | 'held';

export interface DeliveryAttempt {
  deliveryId: string;
  number: number;
  startedAt: string;
  finishedAt: string | null;
  sent: { text?: string; threadParts?: number; [key: string]: unknown };
  outcome: AttemptOutcome | null;
  errorKind: string | null;
  error: string | null;
  remoteId: string | null;
  url: string | null;
}

export interface PostChannel {
  channelId: string;
  /** This channel's own text; null when it uses the post's text. */
  body: string | null;
  thread: string[];
  options: Record<string, unknown>;
  /** Library media this channel sends, in order (absent from servers without a media library). */
  media?: MediaUse[];
}

export interface Post {
  id: string;
  body: string;
  approved: boolean;
  scheduledAt: string | null;
  /** The wall-clock time it was planned for (YYYY-MM-DDTHH:mm), in `scheduleTimeZone`. */
  scheduleLocal: string | null;
  scheduleTimeZone: string | null;
  createdAt: string;
  updatedAt: string;
  status: PostStatus;
  /** Where the post stands with approval (docs/approvals.md); absent from servers without approvals. */
  approval?: { state: string; expiresAt: string | null; publishesUnapproved: boolean };
  channels: PostChannel[];
  deliveries: Delivery[];
  /** Only on a single post. */
  attempts?: DeliveryAttempt[];
}

/** When a post goes out: `{at:'now'}`, an instant, or a wall-clock time (the workspace's zone by default). */
export type PostSchedule = { at: string } | { local: string; timeZone?: string } | { queue: true };

export interface PostChannelInput {
  channelId: string;
  body?: string;
  media?: MediaUse[];
  /** Further parts of a thread, on networks with threads. */
  thread?: string[];
  /** The network's options, by the names in `NetworkInfo.options`. */
  options?: Record<string, unknown>;
}

export interface CreatePostInput {
  body: string;
  channels: PostChannelInput[];
  /** Null or absent: a draft. */
  schedule?: PostSchedule | null;
  /** Replace links through the workspace's link shortener when saving. */
  shortenLinks?: boolean;
  /** `idea`: a backlog item, never scheduled. */
  kind?: 'post' | 'idea';
}

export interface PostCheckIssue {
  field: 'channel' | 'text' | 'thread' | 'media' | 'options';
  message: string;
  /** For `thread`: which further part (0 = the second post of the thread). */
  part?: number;
  /** For `options`: which option. */
  option?: string;
  /** For `media`: which item (0-based), when the problem is one item's. */
  item?: number;
}

/** What saving a post would find, per channel, counted the way each network counts. */
export interface PostCheck {
  ok: boolean;
  channels: {
    channelId: string;
    channelName: string | null;
    network: string | null;
    text: { count: number; max: number; unit: string } | null;
    thread: { count: number }[];
    issues: PostCheckIssue[];
  }[];
  issues: { field: 'channels' | 'schedule'; message: string }[];
}

/** A hashtag or mention used before in the workspace. */
export interface TokenSuggestion {
  value: string;
  uses: number;
}

export interface ComposerSettings {
  linkShortener: { configured: boolean; name: string | null };
}

export interface UpdatePostInput {
  body?: string;
  channels?: PostChannelInput[];
  schedule?: PostSchedule | null;
}

export interface PostListQuery {
  limit?: number;
  /** Posts created before this instant (the `createdAt` of the last one shown). */
  before?: string | null;
  /** Only posts with a delivery in this state. */
  state?: DeliveryState | null;
}

export type PauseScope = 'global' | 'workspace' | 'channel';

export interface PublishingPause {
  scope: PauseScope;
  channelId: string | null;
  reason: string | null;
  pausedAt: string;
}

export interface AttentionDelivery extends Delivery {
  /** The start of the post's text. */
  postBody: string;
}

export interface PublishingOverview {
  pauses: PublishingPause[];
  /** Failed, unconfirmed and held deliveries. */
  deliveries: AttentionDelivery[];
}

export type ResolveDeliveryInput = { as: 'published'; url?: string } | { as: 'send_again' };

export interface PauseInput {
  channelId?: string;
  reason?: string;
}

export type ResumeMode = 'send_now' | 'reschedule';

export interface ResumeInput {
  channelId?: string;
  mode: ResumeMode;
  spacingMinutes?: number;
}

/** One in-app notification (named so as not to clash with the browser's `Notification`). */
export interface AppNotification {
  id: string;
  workspaceId: string;
  type: string;
  title: string;
  body: string;
  /** A page of this app, e.g. /w/…/settings/channels. */
  link: string;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  notifications: AppNotification[];
  nextCursor: string | null;
}

export interface UnreadNotificationCount {
  total: number;
  workspaces: { workspaceId: string; unread: number }[];
}

export type MarkNotificationsReadInput = { ids: string[] } | { all: true; workspaceId?: string };

/** How a person gets one type of notification by e-mail: not at all, one e-mail each, or in the daily digest. */
export type EmailDelivery = 'off' | 'instant' | 'digest';

export interface NotificationTypePreference {
  type: string;
  description: string;
  inApp: boolean;
  email: EmailDelivery;
}

/** The signed-in person's notification preferences (for all their workspaces). */
export interface NotificationPreferences {
  types: NotificationTypePreference[];
  /** The daily digest goes out at this local hour (0–23) in this IANA zone. */
  digest: { hour: number; timeZone: string };
  /** False when the server has no mail server set: nothing is e-mailed. */
  emailConfigured: boolean;
}

export interface NotificationPreferencesChange {
  types?: { type: string; inApp?: boolean; email?: EmailDelivery }[];
  digest?: { hour?: number; timeZone?: string };
}

export type FeedTarget = 'draft' | 'queue';

export interface Feed {
  id: string;
  url: string;
  title: string;
  siteUrl: string | null;
  format: 'rss2' | 'rss1' | 'atom';
  channelIds: string[];
  target: FeedTarget;
  template: string;
  active: boolean;
  /** Whose permissions new posts are made with: the person who last saved the feed. */
  ownerId: string | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failureCount: number;
  nextPollAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FeedItem {
  id: string;
  key: string;
  title: string;
  link: string | null;
  publishedAt: string | null;
  status: 'seen' | 'pending' | 'posted' | 'failed' | 'skipped';
  postId: string | null;
  error: string | null;
  createdAt: string;
}

export interface FeedPollOutcome {
  outcome: 'fetched' | 'not_modified' | 'failed' | 'skipped';
  newItems: number;
  posted: number;
  failed: number;
  skipped: number;
  error?: string;
}

export interface CreateFeedInput {
  url: string;
  channelIds: string[];
  target: FeedTarget;
  template?: string;
  active?: boolean;
  importLatest?: number;
}

export interface UpdateFeedInput {
  channelIds?: string[];
  target?: FeedTarget;
  template?: string;
  active?: boolean;
}

export interface FeedPreviewInput {
  url: string;
  template?: string;
  channelIds?: string[];
}

export interface FeedPreview {
  url: string;
  title: string;
  format: Feed['format'];
  items: {
    title: string;
    link: string | null;
    publishedAt: string | null;
    text: string | null;
    trimmed: boolean;
    problem: string | null;
  }[];
}

/** What every post carries for planning: ideas, drafts and posts alike. */
export interface PostPlanning {
  /** `idea`: a backlog item, never scheduled. */
  kind: 'post' | 'idea';
  title: string | null;
  notes: string | null;
  tags: string[];
  campaign: string | null;
  categoryId: string | null;
  createdBy: string | null;
}

/** A post with its planning fields, as the ideas backlog lists it; an idea's status is `idea`. */
export type PlannedPost = Omit<Post, 'status'> & PostPlanning & { status: PostStatus | 'idea' };

export interface PlanningInput {
  kind?: 'post' | 'idea';
  title?: string | null;
  notes?: string | null;
  tags?: string[];
  campaign?: string | null;
  categoryId?: string | null;
}

/** When a planned post goes out: a fixed time, or each channel's next free queue slot. */
export type PlanSchedule = { at: string } | { local: string; timeZone?: string } | { queue: true };

export interface CreateIdeaInput extends PlanningInput {
  body: string;
  channels: PostChannelInput[];
}

/** Editing an idea or a draft; `kind: 'post'` with channels and a schedule turns an idea into a post. */
export interface PlanPostInput extends PlanningInput {
  body?: string;
  channels?: PostChannelInput[];
  schedule?: PlanSchedule | null;
}

export interface BacklogQuery {
  limit?: number;
  before?: string | null;
  kind?: 'post' | 'idea';
  /** Only posts with no time yet. */
  drafts?: boolean;
  tag?: string | null;
  categoryId?: string | null;
}

/** A content category (pillar); evergreen ones put their posts back into the queue after publishing. */
export interface Category {
  id: string;
  name: string;
  /** `#RRGGBB`, or null for none. */
  color: string | null;
  evergreen: boolean;
  evergreenDays: number | null;
}

export interface CategoryInput {
  name: string;
  color?: string | null;
  evergreen?: boolean;
  evergreenDays?: number | null;
}

/** One weekly time of a channel's queue, in the queue's time zone. */
export interface QueueSlot {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** HH:MM on a 24-hour clock. */
  time: string;
  categoryId: string | null;
}

export interface ChannelQueue {
  channelId: string;
  timeZone: string;
  paused: boolean;
  /** False until someone saves slots for the channel. */
  configured: boolean;
  slots: QueueSlot[];
  /** The slot times of the next two weeks, each with the post holding it, if any. */
  upcoming: { at: string; categoryId: string | null; deliveryId: string | null; postId: string | null }[];
}

export interface SaveQueueInput {
  timeZone?: string;
  slots: QueueSlot[];
  /** Put the queued posts back into the new slots, in their order. */
  recalculate?: boolean;
}

export type QueueAction = 'recalculate' | 'shuffle' | 'pause' | 'resume';

/** A file in the workspace's media library. */
export interface MediaAsset {
  id: string;
  kind: 'image' | 'video';
  /** Decided from the file's content. */
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  /** The name it was uploaded under (display only). */
  filename: string;
  alt: string;
  tags: string[];
  sourceUrl: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Authorized URLs (the session cookie is enough). */
  fileUrl: string;
  thumbnailUrl: string | null;
}

export interface MediaPage {
  assets: MediaAsset[];
  nextCursor: string | null;
  /** Every tag in the workspace's library, with how many assets carry it. */
  tags: { tag: string; count: number }[];
}

export interface MediaQuery {
  q?: string;
  tag?: string;
  kind?: 'image' | 'video' | '';
  limit?: number;
  before?: string | null;
}

/** One use of a library asset in a post; `alt` overrides the asset's alt text for this use. */
export interface MediaUse {
  assetId: string;
  alt?: string;
}

export interface MediaUpdate {
  alt?: string;
  tags?: string[];
  filename?: string;
}

export interface MediaCheckResult {
  ok: boolean;
  channels: {
    channelId: string;
    channel: string;
    issues: { index: number | null; assetId: string | null; message: string }[];
  }[];
}

export type ImportStatus = 'previewed' | 'queued' | 'running' | 'finished';
export type HootsuiteDateFormat = 'dd/mm/yyyy' | 'mm/dd/yyyy' | 'yyyy/mm/dd' | 'yyyy/dd/mm';

/** A CSV import: the checked file, its rows counted by outcome, and its progress once confirmed. */
export interface ImportSummary {
  id: string;
  fileName: string;
  layout: 'chorus' | 'hootsuite';
  checksum: string;
  columns: string[];
  channelId: string | null;
  dateFormat: string | null;
  status: ImportStatus;
  totalRows: number;
  validRows: number;
  invalidRows: number;
  doneRows: number;
  importedRows: number;
  failedRows: number;
  createdAt: string;
  confirmedAt: string | null;
  finishedAt: string | null;
}

export interface ImportProblem {
  /** The column as the file names it; null for the row as a whole. */
  column: string | null;
  message: string;
  fix: string;
}

export interface ImportRowView {
  row: number;
  status: 'invalid' | 'valid' | 'importing' | 'imported' | 'failed';
  cells: string[];
  problems: ImportProblem[];
  plan: {
    channels: { id: string; name: string; network: string }[];
    text: string;
    media: { assetId?: string; url?: string }[];
    when: 'draft' | 'queue' | 'scheduled';
    scheduledAt: string | null;
    firstComment: string | null;
    tags: string[];
    campaign: string | null;
  } | null;
  postId: string | null;
}

export interface PreviewImportInput {
  fileName: string;
  csv: string;
  channelId?: string;
  dateFormat?: HootsuiteDateFormat;
}
