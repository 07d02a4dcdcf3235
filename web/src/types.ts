/** Shapes of the Chorus HTTP API (`/api/v1`) as the web app uses them, one file per feature. */

export * from './types/session.js';
export * from './types/members.js';
export * from './types/access.js';
export * from './types/channels.js';
export * from './types/webhooks.js';
export * from './types/posts.js';
export * from './types/publishing.js';
export * from './types/notifications.js';
export * from './types/feeds.js';
export * from './types/planner.js';
export * from './types/media.js';
export * from './types/imports.js';
