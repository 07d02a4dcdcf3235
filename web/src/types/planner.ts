/** Shapes of the API: planning (ideas backlog, categories) and channel queues. */

import type { Post, PostChannelInput, PostStatus } from './posts.js';

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
