import type { RouteDefinition } from './route.js';
import { authRoutes } from '../modules/auth/auth.routes.js';
import { setupRoutes } from '../modules/setup/setup.routes.js';
import { workspaceRoutes } from '../modules/workspaces/workspaces.routes.js';
import { memberRoutes } from '../modules/members/members.routes.js';
import { tokenRoutes } from '../modules/tokens/tokens.routes.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { channelRoutes } from '../modules/channels/channels.routes.js';
import { postRoutes } from '../modules/publishing/posts.routes.js';
import { composerRoutes } from '../modules/publishing/composer.routes.js';
import { webhookRoutes } from '../modules/webhooks/webhooks.routes.js';
import { notificationRoutes } from '../modules/notifications/notifications.routes.js';
import { plannerRoutes } from '../modules/planner/planner.routes.js';
import { commentRoutes } from '../modules/comments/comments.routes.js';
import { queueRoutes } from '../modules/queues/queues.routes.js';
import { feedRoutes } from '../modules/feeds/feeds.routes.js';
import { mediaRoutes } from '../modules/media/media.routes.js';
import { importRoutes } from '../modules/imports/imports.routes.js';
import { approvalLinkRoutes, approvalRoutes } from '../modules/approvals/approvals.routes.js';

/** The route table: the app, the OpenAPI document and the tenant-isolation test all read it. */
export const ROUTES: readonly RouteDefinition[] = [
  ...setupRoutes,
  ...authRoutes,
  ...workspaceRoutes,
  ...memberRoutes,
  ...tokenRoutes,
  ...auditRoutes,
  ...channelRoutes,
  ...composerRoutes,
  ...postRoutes,
  ...webhookRoutes,
  ...notificationRoutes,
  ...plannerRoutes,
  ...commentRoutes,
  ...queueRoutes,
  ...feedRoutes,
  ...mediaRoutes,
  ...importRoutes,
  ...approvalRoutes,
  ...approvalLinkRoutes,
];
