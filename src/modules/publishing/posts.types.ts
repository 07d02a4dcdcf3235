import type { Actor } from '../audit/audit.service.js';
import { invalid } from '../../core/errors.js';
import type { ValidationIssue } from '../../networks/contract.js';
import type { Channel } from '../channels/channels.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Attempt, Delivery, MediaUse, Post, PostKind, Variant } from './publishing.rows.js';

/** What the posts service takes and gives: inputs, checks and views of posts. */

/**
 * When a post goes out: now, at an instant, at a wall-clock time in a zone (the workspace's by default), or
 * in each channel's next free queue slot.
 */
export type ScheduleInput =
  { at: 'now' } | { at: string } | { local: string; timeZone?: string | undefined } | { queue: true };

/** Takes a channel's next free queue slot inside the post's transaction (the queues feature provides it). */
export interface SlotTaker {
  take(
    channel: { id: string; name: string },
    categoryId: string | null,
    now: Date,
  ): Promise<{ at: Date; held: boolean }>;
}

export interface ChannelInput {
  channelId: string;
  /** This channel's own text; the shared body when absent. */
  body?: string | undefined;
  thread?: string[] | undefined;
  options?: Record<string, unknown> | undefined;
  /** Media library assets for this channel, in order, with alt text for this use (the asset's if absent). */
  media?: MediaUse[] | undefined;
}

/** What posts need of the media library: assets exist in the workspace, and fit the networks when scheduled. */
export interface PostMedia {
  assertUsable(
    access: WorkspaceAccess,
    variants: readonly { channel: Channel; media: readonly MediaUse[] }[],
    scheduled: boolean,
  ): Promise<void>;
  /** Each channel's media against its network's limits, located (the composer's check); invalid for a missing asset. */
  issues(
    access: WorkspaceAccess,
    variants: readonly { channel: Channel; media: readonly MediaUse[] }[],
  ): Promise<{ channelId: string; issues: { index: number | null; message: string }[] }[]>;
}

/** What posts need of approvals (src/modules/approvals): whether a post must be approved, and sending it back. */
export interface ApprovalGate {
  /** Whether the caller's posts to these channels must be approved before they publish. */
  required(access: WorkspaceAccess, channelIds: readonly string[]): Promise<boolean>;
  /**
   * An edit changed what a post that was pending or approved would send: its request is superseded and
   * a new one submitted, showing what changed. The post is already unapproved when this is called.
   */
  sendBack(access: WorkspaceAccess, actor: Actor, postId: string): Promise<void>;
}

export interface PostInput {
  body: string;
  channels: ChannelInput[];
  schedule?: ScheduleInput | null | undefined;
  /** `idea`: a backlog item, with or without channels, never scheduled. Default `post`. */
  kind?: PostKind | undefined;
  title?: string | null | undefined;
  notes?: string | null | undefined;
  tags?: string[] | undefined;
  campaign?: string | null | undefined;
  categoryId?: string | null | undefined;
  /** Replace links through the configured `LinkShortener` before saving (links.ts). */
  shortenLinks?: boolean | undefined;
}

const MAX_TAGS = 30;

/** Tags as people type them: `#Tips`, ` tips ` and `tips` are one tag; the first spelling wins. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  tags.forEach((raw, i) => {
    const tag = raw.trim().replace(/^#+/, '').trim();
    if (tag === '') throw invalid(`tags[${i}] is empty; remove it or write a tag.`);
    if (tag.length > 50) throw invalid(`tags[${i}] "${tag.slice(0, 20)}…" is longer than 50 characters.`);
    if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  });
  if (seen.size > MAX_TAGS) throw invalid(`A post takes at most ${MAX_TAGS} tags; it has ${seen.size}.`);
  return [...seen.values()];
}

/** Where a problem with a post is: its channels, its schedule, or one channel's text, thread or options. */
export interface CheckIssue {
  field: 'channel' | ValidationIssue['field'];
  message: string;
  part?: number;
  option?: string;
  /** For `media`: which item (0-based), when the problem is one item's. */
  item?: number;
}

/** What checking a post found for one of its channels, counted the way the channel's network counts. */
export interface ChannelCheck {
  channelId: string;
  channelName: string | null;
  network: string | null;
  text: { count: number; max: number; unit: string } | null;
  /** The further parts of the thread, counted the same way. */
  thread: { count: number }[];
  issues: CheckIssue[];
}

/** Everything saving a post would check, without saving it. */
export interface PostCheck {
  ok: boolean;
  channels: ChannelCheck[];
  /** Problems with the post as a whole (its channels list, its schedule). */
  issues: { field: 'channels' | 'schedule'; message: string }[];
}

export interface PostView {
  post: Post;
  variants: Variant[];
  deliveries: Delivery[];
  attempts?: Attempt[];
  /** Names and networks of the channels the post goes to, for display. */
  channels: Record<string, { name: string; network: string }>;
}
