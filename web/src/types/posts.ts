/** Shapes of the API: posts, their deliveries and attempts, and the composer. */

import type { MediaUse } from './media.js';

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
