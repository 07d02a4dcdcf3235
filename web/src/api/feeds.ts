/** API calls for RSS/Atom feeds. */

import type {
  CreateFeedInput,
  Feed,
  FeedItem,
  FeedPollOutcome,
  FeedPreview,
  FeedPreviewInput,
  UpdateFeedInput,
} from '../types.js';
import { request, seg, ws } from './core.js';

export const feedCalls = {
  feeds: (workspaceId: string, signal?: AbortSignal) =>
    request<{ feeds: Feed[] }>(`${ws(workspaceId)}/feeds`, { signal }),

  createFeed: (workspaceId: string, input: CreateFeedInput) =>
    request<{ feed: Feed; imported: FeedPollOutcome }>(`${ws(workspaceId)}/feeds`, {
      method: 'POST',
      body: input,
    }),

  previewFeed: (workspaceId: string, input: FeedPreviewInput) =>
    request<FeedPreview>(`${ws(workspaceId)}/feeds/preview`, { method: 'POST', body: input }),

  updateFeed: (workspaceId: string, feedId: string, input: UpdateFeedInput) =>
    request<{ feed: Feed }>(`${ws(workspaceId)}/feeds/${seg(feedId)}`, { method: 'PATCH', body: input }),

  deleteFeed: (workspaceId: string, feedId: string) =>
    request<undefined>(`${ws(workspaceId)}/feeds/${seg(feedId)}`, { method: 'DELETE' }),

  pollFeed: (workspaceId: string, feedId: string) =>
    request<{ feed: Feed; outcome: FeedPollOutcome }>(`${ws(workspaceId)}/feeds/${seg(feedId)}/poll`, {
      method: 'POST',
    }),

  feedItems: (workspaceId: string, feedId: string, signal?: AbortSignal) =>
    request<{ items: FeedItem[] }>(`${ws(workspaceId)}/feeds/${seg(feedId)}/items`, {
      query: { limit: 50 },
      signal,
    }),
};
