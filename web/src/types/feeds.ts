/** Shapes of the API: RSS/Atom feeds that turn items into posts. */

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
