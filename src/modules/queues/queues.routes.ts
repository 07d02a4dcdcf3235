import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import type { QueueView } from './queues.service.js';

const SlotDto = z.object({
  weekday: z.number().int().describe('1 = Monday … 7 = Sunday'),
  time: z.string().describe('HH:MM in the queue’s time zone'),
  categoryId: z.uuid().nullable(),
});
const QueueDto = z.object({
  channelId: z.uuid(),
  timeZone: z.string(),
  paused: z.boolean(),
  configured: z.boolean(),
  slots: z.array(SlotDto),
  upcoming: z.array(
    z.object({
      at: z.string(),
      categoryId: z.uuid().nullable(),
      deliveryId: z.uuid().nullable(),
      postId: z.uuid().nullable(),
    }),
  ),
});
const toQueueDto = (q: QueueView) => ({
  channelId: q.channelId,
  timeZone: q.timeZone,
  paused: q.paused,
  configured: q.configured,
  slots: q.slots.map((s) => ({ weekday: s.weekday, time: s.time, categoryId: s.categoryId })),
  upcoming: q.upcoming.map((u) => ({ ...u, at: u.at.toISOString() })),
});
const params = z.strictObject({ workspaceId: z.uuid(), channelId: z.uuid() });
const response = { status: 200 as const, schema: z.object({ queue: QueueDto }) };

export const queueRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/channels/:channelId/queue',
    summary:
      "A channel's queue: weekly time slots in its time zone, and the next two weeks of slots with their posts",
    tag: 'queues',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params,
    response,
    async handler({ access, params, services }) {
      return { queue: toQueueDto(await services.queues.get(access, params.channelId)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/workspaces/:workspaceId/channels/:channelId/queue',
    summary:
      "Replace a channel's weekly slots (optionally per category). Queued posts keep their times unless recalculate is true",
    tag: 'queues',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params,
    body: z.strictObject({
      timeZone: z.string().min(1).max(100).optional().describe("IANA zone; the workspace's by default"),
      slots: z
        .array(
          z.strictObject({
            weekday: z.number().int(),
            time: z.string().max(5),
            categoryId: z.uuid().nullable().optional(),
          }),
        )
        .max(500),
      recalculate: z.boolean().optional(),
    }),
    response,
    async handler({ access, actor, params, body, services }) {
      const queue = await services.queues.save(access, actor, params.channelId, {
        timeZone: body.timeZone,
        recalculate: body.recalculate,
        slots: body.slots.map((s) => ({
          weekday: s.weekday,
          time: s.time,
          categoryId: s.categoryId ?? null,
        })),
      });
      return { queue: toQueueDto(queue) };
    },
  }),
  ...(
    [
      [
        'recalculate',
        'Put every queued post back into the slots in its order, from now on; posts pinned to a time stay',
      ],
      ['shuffle', 'Shuffle the queued posts among their slots; posts pinned to a time stay'],
      ['pause', 'Pause the queue: its posts are held, never sent, until it is resumed'],
      ['resume', 'Resume the queue: held posts go into the next free slots from now on'],
    ] as const
  ).map(([action, summary]) =>
    defineRoute({
      method: 'post',
      path: `/api/v1/workspaces/:workspaceId/channels/:channelId/queue/${action}`,
      summary,
      tag: 'queues',
      auth: { kind: 'workspace', permission: 'posts.publish' },
      params,
      response,
      async handler({ access, actor, params, services }) {
        const q = services.queues;
        const view =
          action === 'recalculate'
            ? await q.recalculate(access, actor, params.channelId)
            : action === 'shuffle'
              ? await q.shuffle(access, actor, params.channelId)
              : await q.setPaused(access, actor, params.channelId, action === 'pause');
        return { queue: toQueueDto(view) };
      },
    }),
  ),
];
