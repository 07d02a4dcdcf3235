import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import { UsersRepository } from '../modules/auth/users.repository.js';
import { SessionsRepository } from '../modules/auth/sessions.repository.js';
import { ThrottleRepository } from '../modules/auth/throttle.repository.js';
import { OrganizationsRepository } from '../modules/workspaces/organizations.repository.js';
import { WorkspacesRepository } from '../modules/workspaces/workspaces.repository.js';
import { InvitationsRepository } from '../modules/members/invitations.repository.js';
import { TokensRepository } from '../modules/tokens/tokens.repository.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { VaultRepository } from '../modules/vault/vault.repository.js';
import { SetupRepository } from '../modules/setup/setup.repository.js';
import { ChannelsRepository } from '../modules/channels/channels.repository.js';
import { OAuthRepository } from '../modules/channels/oauth.repository.js';
import { DeliveriesRepository } from '../modules/publishing/deliveries.repository.js';
import { PostsRepository } from '../modules/publishing/posts.repository.js';
import { WebhooksRepository } from '../modules/webhooks/webhooks.repository.js';
import { NotificationsRepository } from '../modules/notifications/notifications.repository.js';
import { PlannerRepository } from '../modules/planner/planner.repository.js';
import { CommentsRepository } from '../modules/comments/comments.repository.js';
import { QueuesRepository } from '../modules/queues/queues.repository.js';
import { FeedsRepository } from '../modules/feeds/feeds.repository.js';
import { MediaRepository } from '../modules/media/media.repository.js';
import { ImportsRepository } from '../modules/imports/imports.repository.js';
import { ApprovalsRepository } from '../modules/approvals/approvals.repository.js';

/** All repositories over one executor (the pool, or an open transaction). */
export function repositories(db: Kysely<DB>) {
  return {
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    throttle: new ThrottleRepository(db),
    organizations: new OrganizationsRepository(db),
    workspaces: new WorkspacesRepository(db),
    invitations: new InvitationsRepository(db),
    tokens: new TokensRepository(db),
    audit: new AuditRepository(db),
    vault: new VaultRepository(db),
    setup: new SetupRepository(db),
    channels: new ChannelsRepository(db),
    oauth: new OAuthRepository(db),
    posts: new PostsRepository(db),
    deliveries: new DeliveriesRepository(db),
    webhooks: new WebhooksRepository(db),
    notifications: new NotificationsRepository(db),
    planner: new PlannerRepository(db),
    comments: new CommentsRepository(db),
    queues: new QueuesRepository(db),
    feeds: new FeedsRepository(db),
    media: new MediaRepository(db),
    imports: new ImportsRepository(db),
    approvals: new ApprovalsRepository(db),
  };
}
export type Repositories = ReturnType<typeof repositories>;

/** Runs `fn` with repositories bound to one transaction. */
export function inTransaction<T>(db: Kysely<DB>, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => fn(repositories(trx)));
}
