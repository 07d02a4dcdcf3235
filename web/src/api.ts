/** The API client: one `api` object composed of every feature's calls, over the request core. */

import { sessionCalls } from './api/session.js';
import { memberCalls } from './api/members.js';
import { accessCalls } from './api/access.js';
import { channelCalls } from './api/channels.js';
import { webhookCalls } from './api/webhooks.js';
import { postCalls } from './api/posts.js';
import { publishingCalls } from './api/publishing.js';
import { notificationCalls } from './api/notifications.js';
import { feedCalls } from './api/feeds.js';
import { plannerCalls } from './api/planner.js';
import { mediaCalls } from './api/media.js';
import { importCalls } from './api/imports.js';

export { ApiError, isAbortError, onUnauthenticated, request, setCsrfToken, toApiError } from './api/core.js';
export type { RequestOptions } from './api/core.js';

export const api = {
  ...sessionCalls,
  ...memberCalls,
  ...accessCalls,
  ...channelCalls,
  ...webhookCalls,
  ...postCalls,
  ...publishingCalls,
  ...notificationCalls,
  ...feedCalls,
  ...plannerCalls,
  ...mediaCalls,
  ...importCalls,
};
