import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import type { PostComment } from './comments.repository.js';

const CommentDto = z.object({
  id: z.uuid(),
  postId: z.uuid(),
  channelId: z.uuid().nullable(),
  parentId: z.uuid().nullable(),
  authorId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  body: z.string().describe('Empty once deleted'),
  mentions: z.array(z.uuid()),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
});
const toCommentDto = (c: PostComment) => ({
  id: c.id,
  postId: c.postId,
  channelId: c.channelId,
  parentId: c.parentId,
  authorId: c.authorId,
  authorName: c.authorName,
  body: c.body,
  mentions: c.mentions,
  createdAt: c.createdAt.toISOString(),
  editedAt: c.editedAt?.toISOString() ?? null,
  deleted: c.deletedAt !== null,
});
const postParams = z.strictObject({ workspaceId: z.uuid(), postId: z.uuid() });
const commentParams = z.strictObject({ workspaceId: z.uuid(), commentId: z.uuid() });

export const commentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId/comments',
    summary:
      "A post's comments, oldest first; a reply names its parent, a comment on one version its channel",
    tag: 'comments',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: postParams,
    response: { status: 200, schema: z.object({ comments: z.array(CommentDto) }) },
    async handler({ access, params, services }) {
      return { comments: (await services.comments.list(access, params.postId)).map(toCommentDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId/comments',
    summary: 'Comment on a post (or on one channel’s version, or in reply to a comment), mentioning members',
    tag: 'comments',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: postParams,
    body: z.strictObject({
      body: z.string().max(10_000),
      parentId: z.uuid().optional(),
      channelId: z.uuid().optional(),
      mentions: z.array(z.uuid()).max(50).optional().describe('User ids of the members mentioned'),
    }),
    response: { status: 201, schema: z.object({ comment: CommentDto }) },
    async handler({ access, actor, params, body, services }) {
      return { comment: toCommentDto(await services.comments.create(access, actor, params.postId, body)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/comments/:commentId',
    summary: 'Edit your comment; people newly mentioned are told',
    tag: 'comments',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: commentParams,
    body: z.strictObject({
      body: z.string().max(10_000),
      mentions: z.array(z.uuid()).max(50).optional(),
    }),
    response: { status: 200, schema: z.object({ comment: CommentDto }) },
    async handler({ access, actor, params, body, services }) {
      return { comment: toCommentDto(await services.comments.edit(access, actor, params.commentId, body)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/comments/:commentId',
    summary: 'Delete a comment (yours, or any if you may publish); its replies stay',
    tag: 'comments',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: commentParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.comments.remove(access, actor, params.commentId);
    },
  }),
];
