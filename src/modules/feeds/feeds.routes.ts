import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import type { Feed, FeedItem } from './feeds.repository.js';
import { MAX_IMPORT_LATEST, type PollOutcome } from './feeds.service.js';
import { FORMAT_NAMES } from './parse.js';
import { MAX_TEMPLATE_LENGTH, PLACEHOLDERS } from './template.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const FeedDto = z.object({
  id: z.uuid(),
  url: z.string(),
  title: z.string(),
  siteUrl: z.string().nullable(),
  format: z.enum(['rss2', 'rss1', 'atom']),
  channelIds: z.array(z.uuid()),
  target: z.enum(['draft', 'queue']),
  template: z.string(),
  active: z.boolean(),
  /** The person whose permissions new posts are made with (who last saved the feed). */
  ownerId: z.uuid().nullable(),
  lastPolledAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  failureCount: z.number().int(),
  nextPollAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** Field by field: the stored validators (ETag, Last-Modified) stay on the server. */
const toFeedDto = (f: Feed) => ({
  id: f.id,
  url: f.url,
  title: f.title,
  siteUrl: f.siteUrl,
  format: f.format,
  channelIds: f.channelIds,
  target: f.target,
  template: f.template,
  active: f.active,
  ownerId: f.ownerId,
  lastPolledAt: iso(f.lastPolledAt),
  lastSuccessAt: iso(f.lastSuccessAt),
  lastError: f.lastError,
  failureCount: f.failureCount,
  nextPollAt: f.active ? f.nextPollAt.toISOString() : null,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

const ItemDto = z.object({
  id: z.uuid(),
  key: z.string(),
  title: z.string(),
  link: z.string().nullable(),
  publishedAt: z.string().nullable(),
  status: z.enum(['seen', 'pending', 'posted', 'failed', 'skipped']),
  /** The post the item became, while it exists. */
  postId: z.uuid().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
const toItemDto = (i: FeedItem) => ({
  id: i.id,
  key: i.key,
  title: i.title,
  link: i.link,
  publishedAt: iso(i.publishedAt),
  status: i.status,
  postId: i.postExists ? i.postId : null,
  error: i.error,
  createdAt: i.createdAt.toISOString(),
});

const OutcomeDto = z.object({
  outcome: z.enum(['fetched', 'not_modified', 'failed', 'skipped']),
  newItems: z.number().int(),
  posted: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  error: z.string().optional(),
});
const toOutcomeDto = (o: PollOutcome) => ({
  outcome: o.outcome,
  newItems: o.newItems,
  posted: o.posted,
  failed: o.failed,
  skipped: o.skipped,
  ...(o.error ? { error: o.error } : {}),
});

const feedParams = z.strictObject({ workspaceId: z.uuid(), feedId: z.uuid() });
const Url = z.string().trim().min(1, 'Give the feed’s address.').max(2000);
const ChannelIds = z.array(z.uuid()).min(1, 'Choose at least one channel to post to.').max(50);
const Target = z
  .enum(['draft', 'queue'])
  .describe('draft: new items become drafts; queue: the next free queue slot of each channel');
const Template = z
  .string()
  .max(MAX_TEMPLATE_LENGTH)
  .describe(
    `Placeholders: ${Object.keys(PLACEHOLDERS)
      .map((p) => `{${p}}`)
      .join(', ')}; default "{title}\\n\\n{link}"`,
  );

export const feedRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/feeds',
    summary:
      'RSS and Atom feeds the workspace subscribes to, with when each was last polled and its last error',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ feeds: z.array(FeedDto) }) },
    async handler({ access, services }) {
      return { feeds: (await services.feeds.list(access)).map(toFeedDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/feeds',
    summary: `Subscribe to a feed (${Object.values(FORMAT_NAMES).join(', ')}): fetched once now; items already in it are recorded as seen, except the importLatest newest, which become posts now`,
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    body: z.strictObject({
      url: Url,
      channelIds: ChannelIds,
      target: Target,
      template: Template.optional(),
      active: z.boolean().optional(),
      importLatest: z.number().int().min(0).max(MAX_IMPORT_LATEST).optional(),
    }),
    response: { status: 201, schema: z.object({ feed: FeedDto, imported: OutcomeDto }) },
    async handler({ access, body, services, actor }) {
      const { feed, imported } = await services.feeds.create(access, actor, body);
      return { feed: toFeedDto(feed), imported: toOutcomeDto(imported) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/feeds/preview',
    summary:
      'Fetch a feed without subscribing and show what its three newest items would become with a template',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    body: z.strictObject({
      url: Url,
      template: Template.optional(),
      channelIds: z.array(z.uuid()).max(50).optional(),
    }),
    response: {
      status: 200,
      schema: z.object({
        url: z.string(),
        title: z.string(),
        format: z.enum(['rss2', 'rss1', 'atom']),
        items: z.array(
          z.object({
            title: z.string(),
            link: z.string().nullable(),
            publishedAt: z.string().nullable(),
            text: z.string().nullable(),
            trimmed: z.boolean(),
            problem: z.string().nullable(),
          }),
        ),
      }),
    },
    async handler({ access, body, services }) {
      const preview = await services.feeds.preview(access, body);
      return {
        ...preview,
        items: preview.items.map((i) => ({ ...i, publishedAt: iso(i.publishedAt) })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/feeds/:feedId',
    summary: 'One feed',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: feedParams,
    response: { status: 200, schema: z.object({ feed: FeedDto }) },
    async handler({ access, params, services }) {
      return { feed: toFeedDto(await services.feeds.get(access, params.feedId)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/feeds/:feedId',
    summary:
      'Change a feed’s channels, target, template, or pause/resume it; it then posts as whoever saved it',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: feedParams,
    body: z
      .strictObject({
        channelIds: ChannelIds.optional(),
        target: Target.optional(),
        template: Template.optional(),
        active: z.boolean().optional(),
      })
      .refine((b) => Object.values(b).some((v) => v !== undefined), {
        message: 'Give at least one of channelIds, target, template or active.',
      }),
    response: { status: 200, schema: z.object({ feed: FeedDto }) },
    async handler({ access, params, body, services, actor }) {
      return { feed: toFeedDto(await services.feeds.update(access, actor, params.feedId, body)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/feeds/:feedId',
    summary: 'Unsubscribe: the feed and its item history are deleted; posts it made stay',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: feedParams,
    response: { status: 204 },
    async handler({ access, params, services, actor }) {
      await services.feeds.remove(access, actor, params.feedId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/feeds/:feedId/poll',
    summary: 'Poll the feed now; answers with what happened (a failure is also recorded on the feed)',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: feedParams,
    response: { status: 200, schema: z.object({ feed: FeedDto, outcome: OutcomeDto }) },
    async handler({ access, params, services }) {
      const { feed, outcome } = await services.feeds.pollNow(access, params.feedId);
      return { feed: toFeedDto(feed), outcome: toOutcomeDto(outcome) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/feeds/:feedId/items',
    summary: 'The feed’s items, newest first, each with what became of it (the post it made, or why not)',
    tag: 'feeds',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: feedParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: { status: 200, schema: z.object({ items: z.array(ItemDto) }) },
    async handler({ access, params, query, services }) {
      return { items: (await services.feeds.items(access, params.feedId, query.limit)).map(toItemDto) };
    },
  }),
];
