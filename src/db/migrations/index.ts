import { sql as foundation } from './0001_foundation.js';
import { sql as channels } from './0002_channels.js';
import { sql as oauth } from './0003_oauth.js';
import { sql as publishing } from './0004_publishing.js';
import { sql as webhooks } from './0005_webhooks.js';
import { sql as notifications } from './0006_notifications.js';
import { sql as planner } from './0007_planner.js';
import { sql as media } from './0008_media.js';
import { sql as imports } from './0009_imports.js';
import { sql as feeds } from './0010_feeds.js';
import { sql as comments } from './0011_comments.js';
import { sql as approvals } from './0012_approvals.js';

export interface Migration {
  id: string;
  sql: string;
}

/** Forward-only, applied in order, each in its own transaction. Never edit one that has shipped: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  { id: '0001_foundation', sql: foundation },
  { id: '0002_channels', sql: channels },
  { id: '0003_oauth', sql: oauth },
  { id: '0004_publishing', sql: publishing },
  { id: '0005_webhooks', sql: webhooks },
  { id: '0006_notifications', sql: notifications },
  { id: '0007_planner', sql: planner },
  { id: '0008_media', sql: media },
  { id: '0009_imports', sql: imports },
  { id: '0010_feeds', sql: feeds },
  { id: '0011_comments', sql: comments },
  { id: '0012_approvals', sql: approvals },
];
