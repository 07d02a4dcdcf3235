import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { inTransaction, repositories } from '../db/repositories.js';
import { AuditService } from '../modules/audit/audit.service.js';
import { AuthService } from '../modules/auth/auth.service.js';
import { LoginThrottle } from '../modules/auth/throttle.js';
import { createMailer, type Mailer } from '../modules/mail/mailer.js';
import { MembersService } from '../modules/members/members.service.js';
import { SetupService } from '../modules/setup/setup.service.js';
import { TokensService } from '../modules/tokens/tokens.service.js';
import { VaultService } from '../modules/vault/vault.service.js';
import type { Keyring } from '../modules/vault/keyring.js';
import { WorkspacesService } from '../modules/workspaces/workspaces.service.js';
import { ChannelsService } from '../modules/channels/channels.service.js';
import { channelMaintenanceJob } from '../modules/channels/jobs.js';
import { ChannelSignIn } from '../modules/channels/sign-in.service.js';
import { ApprovalsService } from '../modules/approvals/approvals.service.js';
import { WorkflowsService } from '../modules/approvals/workflows.service.js';
import { ApprovalLinksService } from '../modules/approvals/links.service.js';
import { approvalJobs } from '../modules/approvals/jobs.js';
import { ApprovalViews } from '../modules/approvals/approvals.views.js';
import { ApprovalTimers } from '../modules/approvals/approval-timers.js';
import { auditRetentionJob } from '../modules/audit/jobs.js';
import { sessionCleanupJob } from '../modules/auth/jobs.js';
import { defineJobHandler, type JobHandler } from '../jobs/catalogue.js';
import { JobQueue } from '../jobs/queue.js';
import { DeliveryEngine } from '../modules/publishing/delivery-engine.js';
import { DeliverySettlement } from '../modules/publishing/delivery-settlement.js';
import { PausesService } from '../modules/publishing/pauses.service.js';
import { PostsService } from '../modules/publishing/posts.service.js';
import { DeliveryActions } from '../modules/publishing/delivery-actions.js';
import { PlannerService } from '../modules/planner/planner.service.js';
import { CommentsService } from '../modules/comments/comments.service.js';
import { PostActivity } from '../modules/publishing/activity.js';
import { Evergreen } from '../modules/queues/evergreen.js';
import { evergreenJob } from '../modules/queues/jobs.js';
import { QueuesService, queueSlotTaker } from '../modules/queues/queues.service.js';
import { keepLinks, type LinkShortener } from '../modules/publishing/links.js';
import { publishingJobs } from '../modules/publishing/jobs.js';
import { WebhooksService } from '../modules/webhooks/webhooks.service.js';
import { webhookDeliveryJob, webhookRetentionJob, webhookSweepJob } from '../modules/webhooks/jobs.js';
import { WorkspacePeople } from '../modules/members/people.js';
import { NotificationsService } from '../modules/notifications/notifications.service.js';
import { ChannelNotices, DeliveryNotices } from '../modules/notifications/sources.js';
import {
  notificationDigestJob,
  notificationEmailJob,
  notificationRetentionJob,
} from '../modules/notifications/jobs.js';
import { PreferencesService } from '../modules/notifications/preferences.service.js';
import { NotificationEmails } from '../modules/notifications/emails.service.js';
import { allListeners } from '../modules/publishing/event-listeners.js';
import { FeedsService } from '../modules/feeds/feeds.service.js';
import { feedJobs } from '../modules/feeds/jobs.js';
import { MediaService } from '../modules/media/media.service.js';
import type { MediaStorage } from '../modules/media/storage.js';
import { createMediaStorage } from '../modules/media/storage-config.js';
import { ImportsService } from '../modules/imports/imports.service.js';
import { importRetentionJob, importRunJob } from '../modules/imports/jobs.js';
import { mediaLibrarySource } from '../modules/imports/media-source.js';

/** The composition root's product: each service gets only the repositories it uses. */
export function createServices(deps: {
  database: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
  keyring: Keyring;
  mailer?: Mailer;
  /** Test hook (the chaos run): called after a network answered, before the answer is recorded. */
  afterSend?: (deliveryId: string) => void;
  /** Where media files go; by default the store MEDIA_STORE configures. */
  mediaStorage?: MediaStorage;
  /** Replaces links when a post is saved with shortenLinks (link tracking); links stay as written by default. */
  linkShortener?: LinkShortener;
}) {
  const db: Kysely<DB> = deps.database.db;
  const repos = repositories(db);
  const { clock, config, logger } = deps;
  const mailer = deps.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  const audit = new AuditService(repos.audit, clock);
  const throttle = new LoginThrottle(repos.throttle, clock);
  const auth = new AuthService({
    users: repos.users,
    sessions: repos.sessions,
    throttle,
    audit,
    organizations: repos.organizations,
    clock,
    settings: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
  });
  const workspaces = new WorkspacesService({
    workspaces: repos.workspaces,
    organizations: repos.organizations,
    audit,
  });
  const members = new MembersService({
    db,
    users: repos.users,
    workspaces: repos.workspaces,
    organizations: repos.organizations,
    invitations: repos.invitations,
    audit,
    auth,
    throttle,
    mailer,
    clock,
    publicUrl: config.publicUrl,
    logger,
  });
  const tokens = new TokensService({
    tokens: repos.tokens,
    workspaces: repos.workspaces,
    audit,
    organizations: repos.organizations,
    clock,
  });
  const setup = new SetupService({ db, setup: repos.setup, audit, clock });
  const vault = new VaultService(repos.vault, deps.keyring);
  const channels = new ChannelsService({
    channels: repos.channels,
    oauth: repos.oauth,
    vault,
    audit,
    clock,
    logger,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
  });
  const channelSignIn = new ChannelSignIn({
    channels,
    oauth: repos.oauth,
    accessOf: (userId, workspaceId) => workspaces.accessOf(userId, workspaceId),
    publicUrl: config.publicUrl,
    vault,
    audit,
    clock,
    logger,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
  });
  // The job engine is attached by the runtime once it runs (it needs the handlers below to start).
  const jobs = new JobQueue();
  const webhooks = new WebhooksService({
    db,
    webhooks: repos.webhooks,
    vault,
    audit,
    jobs,
    clock,
    logger,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
  });
  const people = new WorkspacePeople({ workspaces: repos.workspaces, organizations: repos.organizations });
  const notificationPreferences = new PreferencesService({
    preferences: repos.notificationPreferences,
    workspaces: repos.workspaces,
    clock,
  });
  const notificationEmails = new NotificationEmails({
    outbox: repos.notificationEmails,
    preferences: notificationPreferences,
    workspaces: repos.workspaces,
    users: repos.users,
    mailer,
    jobs,
    clock,
    logger,
    publicUrl: config.publicUrl,
  });
  const notifications = new NotificationsService({
    notifications: repos.notifications,
    workspaces: repos.workspaces,
    preferences: notificationPreferences,
    emails: notificationEmails,
    clock,
    logger,
  });
  const deliveryNotices = new DeliveryNotices({
    people,
    notifications,
    post: (workspaceId, postId) => repos.posts.findPost(workspaceId, postId),
    channelName: async (channelId) => (await repos.channels.byId(channelId))?.name,
  });
  const media = new MediaService({
    repo: repos.media,
    storage: deps.mediaStorage ?? createMediaStorage(config),
    audit,
    clock,
    logger,
    maxBytes: config.MEDIA_MAX_BYTES,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
    channel: (access, channelId) => channels.get(access, channelId),
  });
  const enqueueDelivery = (deliveryId: string, at: Date) =>
    jobs.send('deliveries.publish.v1', { deliveryId }, { startAfter: at });
  const evergreen = new Evergreen({
    db,
    transaction: (fn) => inTransaction(db, fn),
    jobs,
    clock,
    logger,
    enqueue: enqueueDelivery,
  });
  // The workspace hears about deliveries through its webhooks and the people concerned in the app;
  // evergreen posts go back into their queue.
  const publishingEvents = allListeners(webhooks, deliveryNotices, evergreen);
  const deliveryEngine = new DeliveryEngine({
    repo: repos.deliveries,
    media,
    channels,
    jobs,
    events: publishingEvents,
    clock,
    logger,
    ...(deps.afterSend ? { afterSend: deps.afterSend } : {}),
  });
  const deliverySettlement = new DeliverySettlement({
    repo: repos.deliveries,
    channels,
    jobs,
    events: publishingEvents,
    clock,
    logger,
  });
  const posts: PostsService = new PostsService({
    repo: repos.posts,
    deliveries: repos.deliveries,
    transaction: (fn) => inTransaction(db, (r) => fn(r.posts, queueSlotTaker(r.queues))),
    categoryExists: async (workspaceId, id) => (await repos.planner.find(workspaceId, id)) !== undefined,
    channels,
    engine: deliveryEngine,
    media,
    audit,
    clock,
    logger,
    // Link tracking plugs in here: a LinkShortener replaces links when a post is saved (links.ts).
    links: deps.linkShortener ?? keepLinks,
    // Whether a post needs approval, and sending an edited one back (approvals are made below).
    approvals: {
      required: (access, channelIds): Promise<boolean> => approvals.required(access, channelIds),
      sendBack: (access, actor, postId): Promise<void> => approvals.sendBack(access, actor, postId),
    },
  });
  const deliveryActions = new DeliveryActions({
    posts,
    repo: repos.posts,
    deliveries: repos.deliveries,
    engine: deliveryEngine,
    audit,
    clock,
  });
  const approvals: ApprovalsService = new ApprovalsService({
    repo: repos.approvals,
    posts,
    postsRepo: repos.posts,
    deliveries: repos.deliveries,
    transaction: (fn) => inTransaction(db, (r) => fn({ approvals: r.approvals, posts: r.posts })),
    people,
    notifications,
    audit,
    enqueue: enqueueDelivery,
    clock,
    logger,
  });
  const approvalViews = new ApprovalViews({ repo: repos.approvals, postsRepo: repos.posts, people });
  const approvalTimers = new ApprovalTimers({
    repo: repos.approvals,
    postsRepo: repos.posts,
    deliveries: repos.deliveries,
    transaction: (fn) => inTransaction(db, (r) => fn({ approvals: r.approvals, posts: r.posts })),
    people,
    notifications,
    audit,
    clock,
    logger,
  });
  const workflows = new WorkflowsService({ repo: repos.approvals, channels, people, audit, clock });
  const approvalLinks = new ApprovalLinksService({
    repo: repos.approvals,
    approvals,
    views: approvalViews,
    workspaces: repos.workspaces,
    comments: repos.comments,
    media,
    keyring: deps.keyring,
    jobs,
    mailer,
    audit,
    clock,
    publicUrl: config.publicUrl,
    logger,
  });
  approvals.externalInvites = approvalLinks;
  // A post held because it is not approved: its author is told.
  deliveryEngine.onHold = (deliveryId, reason) => approvalTimers.held(deliveryId, reason);
  const pauses = new PausesService({
    repo: repos.posts,
    channels,
    engine: deliveryEngine,
    audit,
    clock,
  });
  const queues = new QueuesService({
    transaction: (fn) => inTransaction(db, fn),
    repo: repos.queues,
    channels,
    audit,
    clock,
    enqueue: enqueueDelivery,
  });
  const activity = new PostActivity({ audit: repos.audit, posts: repos.posts });
  const comments = new CommentsService({
    repo: repos.comments,
    posts: repos.posts,
    people,
    notifications,
    audit,
    clock,
  });
  const planner = new PlannerService({
    repo: repos.planner,
    channels,
    workspaces,
    audit,
    clock,
    publicUrl: config.publicUrl,
  });
  channels.onReconnected = (channel) => pauses.release(channel.workspaceId, channel.id, 'reschedule');
  const channelNotices = new ChannelNotices({ people, notifications });
  // In-app and by e-mail (as each person chose), and by webhook; each on its own, so one failing does not
  // silence the other.
  channels.onNeedsReconnect = async (channel, reason) => {
    const report = (what: string, work: () => Promise<unknown>) =>
      work().catch((error: unknown) =>
        logger.error({ err: (error as Error).message, channelId: channel.id }, `${what} failed`),
      );
    await report('reconnect notification', () => channelNotices.needsReconnect(channel, reason));
    await report('reconnect webhook', () =>
      webhooks.emit(channel.workspaceId, 'channel.needs_reconnect', {
        channelId: channel.id,
        network: channel.network,
        name: channel.name,
        reason,
      }),
    );
  };
  const feeds = new FeedsService({
    feeds: repos.feeds,
    posts,
    channels,
    accessOf: (userId, workspaceId) => workspaces.accessOf(userId, workspaceId),
    hasQueue: async (channelId) => ((await repos.queues.find(channelId))?.slots.length ?? 0) > 0,
    jobs,
    audit,
    clock,
    logger,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
  });
  const imports = new ImportsService({
    repo: repos.imports,
    posts,
    channels,
    workspaces,
    media: mediaLibrarySource(media),
    jobs,
    clock,
    logger,
    egress: { allowPrivate: config.EGRESS_ALLOW_PRIVATE },
  });
  const users = repos.users;
  const organizations = repos.organizations;
  const jobHandlers: JobHandler[] = [
    sessionCleanupJob(auth, throttle) as JobHandler,
    auditRetentionJob(audit, config.AUDIT_RETENTION_DAYS) as JobHandler,
    channelMaintenanceJob(channels) as JobHandler,
    ...(publishingJobs(deliveryEngine, deliverySettlement) as JobHandler[]),
    defineJobHandler('system.noop.v1', async () => null) as JobHandler,
    webhookDeliveryJob(webhooks) as JobHandler,
    webhookSweepJob(webhooks) as JobHandler,
    webhookRetentionJob(webhooks) as JobHandler,
    notificationRetentionJob(notifications, notificationEmails) as JobHandler,
    notificationEmailJob(notificationEmails) as JobHandler,
    notificationDigestJob(notificationEmails) as JobHandler,
    evergreenJob(evergreen) as JobHandler,
    ...(feedJobs(feeds) as JobHandler[]),
    importRunJob(imports) as JobHandler,
    importRetentionJob(imports) as JobHandler,
    ...(approvalJobs(approvalTimers, approvalLinks) as JobHandler[]),
  ];
  return {
    audit,
    auth,
    workspaces,
    members,
    tokens,
    setup,
    vault,
    channels,
    channelSignIn,
    posts,
    deliveryActions,
    media,
    pauses,
    queues,
    planner,
    comments,
    activity,
    approvals,
    approvalViews,
    approvalTimers,
    workflows,
    approvalLinks,
    evergreen,
    imports,
    deliveryEngine,
    deliverySettlement,
    webhooks,
    notifications,
    notificationPreferences,
    notificationEmails,
    feeds,
    jobs,
    users,
    organizations,
    mailer,
    jobHandlers,
    clock,
    config,
    logger,
  };
}

export type Services = ReturnType<typeof createServices>;
