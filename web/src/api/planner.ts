/** API calls for the ideas backlog, categories and channel queues. */

import type {
  BacklogQuery,
  Category,
  CategoryInput,
  ChannelQueue,
  CreateIdeaInput,
  PlannedPost,
  PlanPostInput,
  QueueAction,
  SaveQueueInput,
} from '../types.js';
import { request, seg, ws } from './core.js';

export const plannerCalls = {
  /** Ideas and drafts with their planning fields (tags, category, notes), newest first. */
  backlog: (workspaceId: string, query: BacklogQuery, signal?: AbortSignal) =>
    request<{ posts: PlannedPost[] }>(`${ws(workspaceId)}/posts`, {
      query: {
        limit: query.limit ?? 50,
        before: query.before,
        kind: query.kind,
        drafts: query.drafts ? 'true' : undefined,
        tag: query.tag,
        categoryId: query.categoryId,
      },
      signal,
    }),

  createIdea: (workspaceId: string, input: CreateIdeaInput) =>
    request<{ post: PlannedPost }>(`${ws(workspaceId)}/posts`, { method: 'POST', body: input }),

  /** Edits an idea or a draft; `kind: 'post'` with channels and a schedule turns an idea into a post. */
  planPost: (workspaceId: string, postId: string, input: PlanPostInput) =>
    request<{ post: PlannedPost }>(`${ws(workspaceId)}/posts/${seg(postId)}`, {
      method: 'PATCH',
      body: input,
    }),

  categories: (workspaceId: string, signal?: AbortSignal) =>
    request<{ categories: Category[] }>(`${ws(workspaceId)}/categories`, { signal }),

  createCategory: (workspaceId: string, input: CategoryInput) =>
    request<{ category: Category }>(`${ws(workspaceId)}/categories`, { method: 'POST', body: input }),

  updateCategory: (workspaceId: string, categoryId: string, input: Partial<CategoryInput>) =>
    request<{ category: Category }>(`${ws(workspaceId)}/categories/${seg(categoryId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteCategory: (workspaceId: string, categoryId: string) =>
    request<undefined>(`${ws(workspaceId)}/categories/${seg(categoryId)}`, { method: 'DELETE' }),

  channelQueue: (workspaceId: string, channelId: string, signal?: AbortSignal) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue`, { signal }),

  saveChannelQueue: (workspaceId: string, channelId: string, input: SaveQueueInput) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue`, {
      method: 'PUT',
      body: input,
    }),

  /** Recalculate, shuffle, pause or resume a channel's queue. */
  queueAction: (workspaceId: string, channelId: string, action: QueueAction) =>
    request<{ queue: ChannelQueue }>(`${ws(workspaceId)}/channels/${seg(channelId)}/queue/${action}`, {
      method: 'POST',
    }),
};
