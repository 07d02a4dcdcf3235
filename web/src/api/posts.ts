/** API calls for posts, the composer, and settling deliveries. */

import type {
  ComposerSettings,
  CreatePostInput,
  Delivery,
  Post,
  PostCheck,
  PostListQuery,
  ResolveDeliveryInput,
  TokenSuggestion,
  UpdatePostInput,
} from '../types.js';
import { request, seg, ws } from './core.js';

export const postCalls = {
  posts: (workspaceId: string, query: PostListQuery, signal?: AbortSignal) =>
    request<{ posts: Post[] }>(`${ws(workspaceId)}/posts`, {
      query: { limit: query.limit ?? 25, before: query.before, state: query.state },
      signal,
    }),

  /** One post with its deliveries and every attempt. */
  post: (workspaceId: string, postId: string, signal?: AbortSignal) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}`, { signal }),

  createPost: (workspaceId: string, input: CreatePostInput) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts`, { method: 'POST', body: input }),

  /** Checks a post as saving would, without saving it. */
  validatePost: (workspaceId: string, input: CreatePostInput, signal?: AbortSignal) =>
    request<PostCheck>(`${ws(workspaceId)}/posts/validate`, { method: 'POST', body: input, signal }),

  /** Hashtags (`kind` hashtags) or mentions used in the workspace's recent posts, starting with `prefix`. */
  suggestions: (workspaceId: string, kind: 'hashtags' | 'mentions', prefix: string, signal?: AbortSignal) =>
    request<{ hashtags?: TokenSuggestion[]; mentions?: TokenSuggestion[] }>(
      `${ws(workspaceId)}/posts/${kind}`,
      {
        query: { prefix, limit: '8' },
        signal,
      },
    ).then((r) => r[kind] ?? []),

  composerSettings: (workspaceId: string, signal?: AbortSignal) =>
    request<ComposerSettings>(`${ws(workspaceId)}/composer`, { signal }),

  updatePost: (workspaceId: string, postId: string, input: UpdatePostInput) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}`, { method: 'PATCH', body: input }),

  deletePost: (workspaceId: string, postId: string) =>
    request<undefined>(`${ws(workspaceId)}/posts/${seg(postId)}`, { method: 'DELETE' }),

  /** Sends again only the deliveries of the post that failed. */
  retryPost: (workspaceId: string, postId: string) =>
    request<{ post: Post }>(`${ws(workspaceId)}/posts/${seg(postId)}/retry`, { method: 'POST' }),

  /** Settles an unconfirmed delivery: it was published, or it should be sent again. */
  resolveDelivery: (workspaceId: string, deliveryId: string, input: ResolveDeliveryInput) =>
    request<{ delivery: Delivery }>(`${ws(workspaceId)}/deliveries/${seg(deliveryId)}/resolve`, {
      method: 'POST',
      body: input,
    }),
};
