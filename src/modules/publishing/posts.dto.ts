// The shapes the post routes answer with and take, and how posts, deliveries and attempts become them.
import { z } from 'zod';
import type { PostView } from './posts.service.js';
import type { Attempt, Delivery } from './publishing.rows.js';

export const STATES = [
  'scheduled',
  'sending',
  'published',
  'failed',
  'unconfirmed',
  'paused',
  'cancelled',
] as const;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const DeliveryDto = z.object({
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
export const toDeliveryDto = (d: Delivery, channels: PostView['channels'] = {}) => ({
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

export const PostDto = z.object({
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

export const toPostDto = (view: PostView) => ({
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
export const Schedule = z.union([
  FixedSchedule,
  z.strictObject({ queue: z.literal(true).describe("Each channel's next free queue slot") }),
]);
/** What a post carries for planning (ideas, drafts and posts alike). */
export const Planning = {
  kind: z.enum(['post', 'idea']).optional().describe('"idea": a backlog item, never scheduled'),
  title: z.string().max(300).nullable().optional(),
  notes: z.string().max(20_000).nullable().optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
  campaign: z.string().max(200).nullable().optional(),
  categoryId: z.uuid().nullable().optional(),
};
export const ChannelInput = z.strictObject({
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
export const shortenLinks = z
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
