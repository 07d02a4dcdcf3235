import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import {
  STATES,
  DeliveryDto,
  toDeliveryDto,
  PostDto,
  toPostDto,
  Schedule,
  Planning,
  ChannelInput,
  shortenLinks,
  PostBody,
} from './posts.dto.js';

const postParams = z.strictObject({ workspaceId: z.uuid(), postId: z.uuid() });
const deliveryParams = z.strictObject({ workspaceId: z.uuid(), deliveryId: z.uuid() });

export const postRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/posts',
    summary:
      'Create a post or an idea: a shared body, the channels (each may have its own text), and when to publish (now, an instant, a wall-clock time, or the queue); without a schedule it is a draft',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    body: PostBody,
    response: { status: 201, schema: z.object({ post: PostDto }) },
    async handler({ access, body, services, actor }) {
      return { post: toPostDto(await services.posts.create(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts',
    summary: 'Posts, newest first, with the state of every delivery',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.iso.datetime({ offset: true }).optional(),
      state: z.enum(STATES).optional(),
      kind: z.enum(['post', 'idea']).optional(),
      drafts: z.enum(['true', 'false']).optional().describe('true: only posts with no time yet'),
      tag: z.string().max(100).optional(),
      categoryId: z.uuid().optional(),
      campaign: z.string().max(200).optional(),
      authorId: z.uuid().optional(),
    }),
    response: { status: 200, schema: z.object({ posts: z.array(PostDto) }) },
    async handler({ access, query, services }) {
      const posts = await services.posts.list(access, {
        limit: query.limit,
        before: query.before ? new Date(query.before) : undefined,
        state: query.state,
        kind: query.kind,
        drafts: query.drafts === 'true',
        tag: query.tag?.replace(/^#/, ''),
        categoryId: query.categoryId,
        campaign: query.campaign,
        authorId: query.authorId,
      });
      return { posts: posts.map(toPostDto) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId',
    summary: 'One post with its deliveries and every attempt (what was sent, what came back)',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: postParams,
    response: { status: 200, schema: z.object({ post: PostDto }) },
    async handler({ access, params, services }) {
      return { post: toPostDto(await services.posts.get(access, params.postId, true)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId/activity',
    summary:
      "A post's history, oldest first: created, edited (with what changed), scheduled, moved, commented, and each channel's publish outcomes",
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: postParams,
    response: {
      status: 200,
      schema: z.object({
        activity: z.array(
          z.object({
            at: z.string(),
            kind: z.string(),
            actorId: z.uuid().nullable(),
            actorName: z.string().nullable(),
            channelId: z.uuid().nullable(),
            summary: z.string(),
            changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional(),
          }),
        ),
      }),
    },
    async handler({ access, params, services }) {
      const activity = await services.activity.list(access, params.postId);
      return { activity: activity.map((a) => ({ ...a, at: a.at.toISOString() })) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId',
    summary:
      'Edit a post: text, channels, schedule (null = back to a draft), planning fields; kind "post" turns an idea into a post. Takes effect for every delivery not yet sending',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: postParams,
    body: z.strictObject({
      body: z.string().max(100_000).optional(),
      channels: z.array(ChannelInput).max(50).optional(),
      schedule: Schedule.nullable().optional(),
      ...Planning,
      shortenLinks,
    }),
    response: { status: 200, schema: z.object({ post: PostDto }) },
    async handler({ access, params, body, services, actor }) {
      return { post: toPostDto(await services.posts.update(access, actor, params.postId, body)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId',
    summary: 'Delete a post: nothing of it that has not started sending is sent',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: postParams,
    response: { status: 204 },
    async handler({ access, params, services, actor }) {
      await services.posts.remove(access, actor, params.postId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/posts/:postId/retry',
    summary: 'Send again only the deliveries of this post that failed',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: postParams,
    response: { status: 200, schema: z.object({ post: PostDto }) },
    async handler({ access, params, services, actor }) {
      return { post: toPostDto(await services.deliveryActions.retry(access, actor, params.postId)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/deliveries/:deliveryId/reschedule',
    summary:
      "Move one waiting delivery to another time (the calendar's drag and drop); refused once it is sending or sent",
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: deliveryParams,
    body: z
      .strictObject({
        at: z.string().min(1).optional().describe('"now", or an instant in ISO 8601 with its offset'),
        local: z.string().min(1).optional().describe('Or a wall-clock time, e.g. 2027-03-28T09:30'),
        timeZone: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe("IANA zone of local; the workspace's by default"),
      })
      .refine((b) => (b.at === undefined) !== (b.local === undefined), {
        message: 'Give either at or local (with an optional timeZone).',
      })
      .refine((b) => b.local !== undefined || b.timeZone === undefined, {
        message: 'timeZone goes with local.',
        path: ['timeZone'],
      }),
    response: { status: 200, schema: z.object({ delivery: DeliveryDto }) },
    async handler({ access, params, body, services, actor }) {
      const schedule =
        body.local !== undefined ? { local: body.local, timeZone: body.timeZone } : { at: body.at! };
      return {
        delivery: toDeliveryDto(
          await services.deliveryActions.rescheduleDelivery(access, actor, params.deliveryId, schedule),
        ),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/deliveries/:deliveryId/resolve',
    summary:
      'Settle an unconfirmed delivery after checking the channel: it was published (with its address), or send it again',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: deliveryParams,
    body: z
      .strictObject({
        as: z.enum(['published', 'send_again']),
        url: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe('Where the post is, when it was published'),
      })
      .refine((b) => b.as === 'published' || b.url === undefined, {
        message: 'url is only for "as": "published"',
        path: ['url'],
      }),
    response: { status: 200, schema: z.object({ delivery: DeliveryDto }) },
    async handler({ access, params, body, services, actor }) {
      return {
        delivery: toDeliveryDto(
          await services.deliveryActions.resolve(access, actor, params.deliveryId, body),
        ),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/publishing',
    summary:
      'Publishing at a glance: pauses in force, and deliveries that failed, are unconfirmed or are held',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    response: {
      status: 200,
      schema: z.object({
        pauses: z.array(
          z.object({
            scope: z.enum(['global', 'workspace', 'channel']),
            channelId: z.uuid().nullable(),
            reason: z.string().nullable(),
            pausedAt: z.string(),
          }),
        ),
        deliveries: z.array(DeliveryDto.extend({ postBody: z.string() })),
      }),
    },
    async handler({ access, services }) {
      const [pauses, attention] = await Promise.all([
        services.pauses.pauses(access),
        services.deliveryActions.attention(access),
      ]);
      const bodies = new Map(attention.posts.map((p) => [p.id, p.body]));
      return {
        pauses: pauses.map((p) => ({
          scope: p.scope,
          channelId: p.scope === 'channel' ? p.scopeId : null,
          reason: p.reason,
          pausedAt: p.pausedAt.toISOString(),
        })),
        deliveries: attention.deliveries.map((d) => ({
          ...toDeliveryDto(d),
          postBody: (bodies.get(d.postId) ?? '').slice(0, 280),
        })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/publishing/pause',
    summary: 'Pause publishing for the workspace, or for one channel: due posts are held, never sent',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: workspaceParams,
    body: z.strictObject({ channelId: z.uuid().optional(), reason: z.string().trim().max(500).optional() }),
    response: { status: 204 },
    async handler({ access, body, services, actor }) {
      await services.pauses.pause(access, actor, body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/publishing/resume',
    summary:
      'Resume publishing; held posts are sent now (send_now) or keep their time if still ahead and the overdue ones are spread from now (reschedule)',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: workspaceParams,
    body: z.strictObject({
      channelId: z.uuid().optional(),
      mode: z.enum(['send_now', 'reschedule']),
      spacingMinutes: z.number().int().min(1).max(1440).optional(),
    }),
    response: { status: 200, schema: z.object({ released: z.number().int() }) },
    async handler({ access, body, services, actor }) {
      return services.pauses.resume(access, actor, body);
    },
  }),
];
