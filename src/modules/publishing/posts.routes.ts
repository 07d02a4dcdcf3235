import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import type { PostView } from './posts.service.js';
import type { Attempt, Delivery } from './publishing.rows.js';

const STATES = ['scheduled', 'sending', 'published', 'failed', 'unconfirmed', 'paused', 'cancelled'] as const;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const DeliveryDto = z.object({
  id: z.uuid(),
  postId: z.uuid(),
  channelId: z.uuid(),
  channelName: z.string().nullable(),
  network: z.string().nullable(),
  state: z.enum(STATES),
  reason: z.string().nullable(),
  dueAt: z.string(),
  /** The time is a queue slot (recalculating the queue may move it), not one a person chose. */
  queued: z.boolean(),
  nextAttemptAt: z.string().nullable(),
  attempts: z.number().int(),
  remoteId: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  latenessMs: z.number().int().nullable(),
  errorKind: z.string().nullable(),
  error: z.string().nullable(),
});
const toDeliveryDto = (d: Delivery, channels: PostView['channels'] = {}) => ({
  id: d.id,
  postId: d.postId,
  channelId: d.channelId,
  channelName: channels[d.channelId]?.name ?? null,
  network: channels[d.channelId]?.network ?? null,
  state: d.state,
  reason: d.stateReason,
  dueAt: d.dueAt.toISOString(),
  queued: d.queued,
  nextAttemptAt: iso(d.nextAttemptAt),
  attempts: d.attempts,
  remoteId: d.remoteId,
  url: d.remoteUrl,
  publishedAt: iso(d.publishedAt),
  latenessMs: d.latenessMs,
  errorKind: d.errorKind,
  error: d.errorMessage,
});

const AttemptDto = z.object({
  deliveryId: z.uuid(),
  number: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  sent: z.object({ text: z.string().optional(), threadParts: z.number().optional() }).loose(),
  outcome: z.string().nullable(),
  errorKind: z.string().nullable(),
  error: z.string().nullable(),
  remoteId: z.string().nullable(),
  url: z.string().nullable(),
});
const toAttemptDto = (a: Attempt) => ({
  deliveryId: a.deliveryId,
  number: a.number,
  startedAt: a.startedAt.toISOString(),
  finishedAt: iso(a.finishedAt),
  sent: a.request,
  outcome: a.outcome,
  errorKind: a.errorKind,
  error: a.errorMessage,
  remoteId: a.remoteId,
  url: a.remoteUrl,
});

const PostDto = z.object({
  id: z.uuid(),
  body: z.string(),
  approved: z.boolean(),
  approval: z.object({
    state: z.enum([
      'not_required',
      'required',
      'pending',
      'approved',
      'rejected',
      'changes_requested',
      'expired',
    ]),
    expiresAt: z.string().nullable(),
    publishesUnapproved: z
      .boolean()
      .describe('Pending under a workflow that publishes anyway when the time comes'),
  }),
  scheduledAt: z.string().nullable(),
  scheduleLocal: z.string().nullable(),
  scheduleTimeZone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  kind: z.enum(['post', 'idea']),
  title: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  campaign: z.string().nullable(),
  categoryId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  /** One summary of the deliveries: what a list shows. */
  status: z.enum([
    'idea',
    'draft',
    'scheduled',
    'sending',
    'published',
    'partly_published',
    'needs_attention',
    'cancelled',
  ]),
  channels: z.array(
    z.object({
      channelId: z.uuid(),
      body: z.string().nullable(),
      thread: z.array(z.string()),
      options: z.record(z.string(), z.unknown()),
      media: z.array(z.object({ assetId: z.uuid(), alt: z.string().optional() })),
    }),
  ),
  deliveries: z.array(DeliveryDto),
  attempts: z.array(AttemptDto).optional(),
});

function statusOf(view: PostView): z.infer<typeof PostDto>['status'] {
  if (view.post.kind === 'idea') return 'idea';
  if (view.deliveries.length === 0) return 'draft';
  const states = view.deliveries.filter((d) => d.state !== 'cancelled').map((d) => d.state);
  if (states.length === 0) return 'cancelled';
  const published = states.some((s) => s === 'published');
  if (states.some((s) => s === 'failed' || s === 'unconfirmed' || s === 'paused')) {
    return published ? 'partly_published' : 'needs_attention';
  }
  if (states.every((s) => s === 'published')) return 'published';
  if (states.some((s) => s === 'sending')) return 'sending';
  return 'scheduled';
}

const toPostDto = (view: PostView) => ({
  id: view.post.id,
  body: view.post.body,
  approved: view.post.approved,
  approval: {
    state: view.post.approvalState,
    expiresAt: view.post.approvalExpiresAt?.toISOString() ?? null,
    publishesUnapproved: view.post.sendUnapproved,
  },
  scheduledAt: iso(view.post.scheduledAt),
  scheduleLocal: view.post.scheduleLocal,
  scheduleTimeZone: view.post.scheduleZone,
  createdAt: view.post.createdAt.toISOString(),
  updatedAt: view.post.updatedAt.toISOString(),
  kind: view.post.kind,
  title: view.post.title,
  notes: view.post.notes,
  tags: view.post.tags,
  campaign: view.post.campaign,
  categoryId: view.post.categoryId,
  createdBy: view.post.createdBy,
  status: statusOf(view),
  channels: view.variants.map((v) => ({
    channelId: v.channelId,
    body: v.body,
    thread: v.thread,
    options: v.options,
    media: v.media.map((m) => ({ assetId: m.assetId, ...(m.alt !== undefined ? { alt: m.alt } : {}) })),
  })),
  deliveries: view.deliveries.map((d) => toDeliveryDto(d, view.channels)),
  ...(view.attempts ? { attempts: view.attempts.map(toAttemptDto) } : {}),
});

const FixedSchedule = z.union([
  z.strictObject({
    at: z.string().min(1).describe('"now", or an instant in ISO 8601 with its offset'),
  }),
  z.strictObject({
    local: z.string().min(1).describe('Wall-clock time, e.g. 2027-03-28T09:30'),
    timeZone: z.string().min(1).max(100).optional().describe("IANA zone; the workspace's by default"),
  }),
]);
const Schedule = z.union([
  FixedSchedule,
  z.strictObject({ queue: z.literal(true).describe("Each channel's next free queue slot") }),
]);
/** What a post carries for planning (ideas, drafts and posts alike). */
const Planning = {
  kind: z.enum(['post', 'idea']).optional().describe('"idea": a backlog item, never scheduled'),
  title: z.string().max(300).nullable().optional(),
  notes: z.string().max(20_000).nullable().optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
  campaign: z.string().max(200).nullable().optional(),
  categoryId: z.uuid().nullable().optional(),
};
const ChannelInput = z.strictObject({
  channelId: z.uuid(),
  body: z.string().max(100_000).optional(),
  thread: z.array(z.string().max(100_000)).max(50).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  media: z
    .array(
      z.strictObject({
        assetId: z.uuid().describe('A media library asset of this workspace'),
        alt: z.string().max(10_000).optional().describe("Alt text for this use; the asset's own when absent"),
      }),
    )
    .max(20)
    .optional(),
});
const shortenLinks = z
  .boolean()
  .optional()
  .describe("Replace links through the workspace's link shortener before saving (docs/composer.md)");
/** A new post or idea; `POST …/posts/validate` takes the same body. */
export const PostBody = z.strictObject({
  body: z.string().max(100_000),
  channels: z.array(ChannelInput).max(50),
  schedule: Schedule.nullable().optional(),
  ...Planning,
  shortenLinks,
});
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
      return { post: toPostDto(await services.posts.retry(access, actor, params.postId)) };
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
          await services.posts.rescheduleDelivery(access, actor, params.deliveryId, schedule),
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
        delivery: toDeliveryDto(await services.posts.resolve(access, actor, params.deliveryId, body)),
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
        services.posts.attention(access),
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
