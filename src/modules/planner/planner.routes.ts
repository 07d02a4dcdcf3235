import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import type { CalendarEntry, CalendarNote, Category } from './planner.repository.js';

const STATES = ['scheduled', 'sending', 'published', 'failed', 'unconfirmed', 'paused', 'cancelled'] as const;
const NOTE_KINDS = ['note', 'launch', 'holiday', 'event'] as const;

const CategoryDto = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  evergreen: z.boolean(),
  evergreenDays: z.number().int().nullable(),
});
const toCategoryDto = (c: Category) => ({
  id: c.id,
  name: c.name,
  color: c.color,
  evergreen: c.evergreen,
  evergreenDays: c.evergreenDays,
});
const CategoryBody = {
  name: z.string().max(100),
  color: z.string().max(7).nullable().optional().describe('#RRGGBB'),
  evergreen: z.boolean().optional().describe("Posts go back into their channel's queue after publishing"),
  evergreenDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .optional()
    .describe('Evergreen posts stop repeating after this many days'),
};

const EntryDto = z.object({
  deliveryId: z.uuid(),
  postId: z.uuid(),
  channelId: z.uuid(),
  dueAt: z.string(),
  state: z.enum(STATES),
  queued: z.boolean(),
  url: z.string().nullable(),
  text: z.string().describe('The first 280 characters'),
  title: z.string().nullable(),
  tags: z.array(z.string()),
  campaign: z.string().nullable(),
  categoryId: z.uuid().nullable(),
  authorId: z.uuid().nullable(),
});
const toEntryDto = (e: CalendarEntry) => ({
  deliveryId: e.deliveryId,
  postId: e.postId,
  channelId: e.channelId,
  dueAt: e.dueAt.toISOString(),
  state: e.state,
  queued: e.queued,
  url: e.remoteUrl,
  text: e.text,
  title: e.title,
  tags: e.tags,
  campaign: e.campaign,
  categoryId: e.categoryId,
  authorId: e.createdBy,
});

const NoteDto = z.object({
  id: z.uuid(),
  startsOn: z.string(),
  endsOn: z.string(),
  kind: z.enum(NOTE_KINDS),
  title: z.string(),
  body: z.string().nullable(),
});
const toNoteDto = (n: CalendarNote) => ({
  id: n.id,
  startsOn: n.startsOn,
  endsOn: n.endsOn,
  kind: n.kind,
  title: n.title,
  body: n.body,
});
const NoteBody = z.strictObject({
  startsOn: z.string().max(10).describe('YYYY-MM-DD'),
  endsOn: z.string().max(10).optional().describe('YYYY-MM-DD; the start day by default'),
  kind: z.enum(NOTE_KINDS).optional(),
  title: z.string().max(200),
  body: z.string().max(5_000).nullable().optional(),
});

const categoryParams = z.strictObject({ workspaceId: z.uuid(), categoryId: z.uuid() });
const noteParams = z.strictObject({ workspaceId: z.uuid(), noteId: z.uuid() });
/** A comma-separated list in a query string. */
const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(4_000)
    .transform((v) => v.split(',').filter((x) => x !== ''))
    .pipe(z.array(item));

export const plannerRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/categories',
    summary: 'Content categories (pillars) of the workspace',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ categories: z.array(CategoryDto) }) },
    async handler({ access, services }) {
      return { categories: (await services.planner.categories(access)).map(toCategoryDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/categories',
    summary: 'Create a content category; evergreen ones put their posts back into the queue after publishing',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: workspaceParams,
    body: z.strictObject(CategoryBody),
    response: { status: 201, schema: z.object({ category: CategoryDto }) },
    async handler({ access, actor, body, services }) {
      return { category: toCategoryDto(await services.planner.createCategory(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId/categories/:categoryId',
    summary: 'Rename a category, change its colour or whether it is evergreen',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: categoryParams,
    body: z.strictObject({ ...CategoryBody, name: CategoryBody.name.optional() }),
    response: { status: 200, schema: z.object({ category: CategoryDto }) },
    async handler({ access, actor, params, body, services }) {
      return {
        category: toCategoryDto(
          await services.planner.updateCategory(access, actor, params.categoryId, body),
        ),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/categories/:categoryId',
    summary: 'Delete a category; its posts and queue slots stay, without a category',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.publish' },
    params: categoryParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.planner.deleteCategory(access, actor, params.categoryId);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/calendar',
    summary:
      'The calendar: a page of the deliveries due in [from, to) with their posts, in time order; for the whole range, posts per local day and the calendar notes (filters: channels, states, tag, campaign, category, author)',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    query: z.strictObject({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }),
      channelIds: list(z.uuid()).optional(),
      states: list(z.enum(STATES)).optional(),
      tag: z.string().max(100).optional(),
      campaign: z.string().max(200).optional(),
      categoryId: z.uuid().optional(),
      authorId: z.uuid().optional(),
      timeZone: z.string().max(100).optional().describe("Zone of the day counts; the workspace's by default"),
      limit: z.coerce.number().int().min(1).max(2_000).default(500),
      cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
    }),
    response: {
      status: 200,
      schema: z.object({
        entries: z.array(EntryDto),
        days: z.array(z.object({ day: z.string(), count: z.number().int() })),
        notes: z.array(NoteDto),
        timeZone: z.string(),
        nextCursor: z.string().nullable(),
      }),
    },
    async handler({ access, query, services }) {
      const result = await services.planner.calendar(
        access,
        { from: new Date(query.from), to: new Date(query.to), zone: query.timeZone },
        {
          channelIds: query.channelIds,
          states: query.states,
          tag: query.tag?.replace(/^#/, ''),
          campaign: query.campaign,
          categoryId: query.categoryId,
          authorId: query.authorId,
        },
        { limit: query.limit, cursor: query.cursor },
      );
      return {
        entries: result.entries.map(toEntryDto),
        days: result.days,
        notes: result.notes.map(toNoteDto),
        timeZone: result.timeZone,
        nextCursor: result.nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/calendar/notes',
    summary: 'Add a calendar note: a launch, a holiday, an event, or a plain note over one or more days',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    body: NoteBody,
    response: { status: 201, schema: z.object({ note: NoteDto }) },
    async handler({ access, actor, body, services }) {
      return { note: toNoteDto(await services.planner.createNote(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/workspaces/:workspaceId/calendar/notes/:noteId',
    summary: 'Change a calendar note',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: noteParams,
    body: NoteBody,
    response: { status: 200, schema: z.object({ note: NoteDto }) },
    async handler({ access, actor, params, body, services }) {
      return { note: toNoteDto(await services.planner.updateNote(access, actor, params.noteId, body)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/calendar/notes/:noteId',
    summary: 'Delete a calendar note',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: noteParams,
    response: { status: 204 },
    async handler({ access, actor, params, services }) {
      await services.planner.deleteNote(access, actor, params.noteId);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/calendar/feed',
    summary:
      'Whether you have a calendar feed address for this workspace (the address itself is shown only once)',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    response: {
      status: 200,
      schema: z.object({
        feed: z.object({ createdAt: z.string(), lastReadAt: z.string().nullable() }).nullable(),
      }),
    },
    async handler({ access, actor, services }) {
      const feed = await services.planner.feedStatus(access, actor.userId!);
      return {
        feed: feed && {
          createdAt: feed.createdAt.toISOString(),
          lastReadAt: feed.lastReadAt?.toISOString() ?? null,
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/calendar/feed',
    summary:
      'A new secret address of your calendar feed (iCal) for this workspace, shown once; the previous one stops working',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    response: { status: 201, schema: z.object({ url: z.string() }) },
    async handler({ access, actor, services }) {
      return services.planner.createFeed(access, actor, actor.userId!);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/calendar/feed',
    summary: 'Turn off your calendar feed for this workspace',
    tag: 'planner',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    response: { status: 204 },
    async handler({ access, actor, services }) {
      await services.planner.revokeFeed(access, actor, actor.userId!);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/calendar-feeds/:file',
    summary:
      'A calendar feed (text/calendar) of scheduled posts, by its secret address; what the person may see, 30 days back to 90 ahead',
    tag: 'planner',
    auth: { kind: 'public' },
    params: z.strictObject({ file: z.string().regex(/^[A-Za-z0-9_-]{20,64}\.ics$/) }),
    response: { status: 200 },
    async handler({ params, services }) {
      const body = await services.planner.renderFeed(params.file.slice(0, -'.ics'.length));
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': 'text/calendar; charset=utf-8',
          'Content-Disposition': 'inline; filename="chorus.ics"',
        },
      });
    },
  }),
];
