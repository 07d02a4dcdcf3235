import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import { PostBody } from './posts.dto.js';

const Issue = z.object({
  field: z.enum(['channel', 'text', 'thread', 'media', 'options']),
  message: z.string(),
  /** For `thread`: which further part (0 = the second post of the thread). */
  part: z.number().int().optional(),
  /** For `options`: which option. */
  option: z.string().optional(),
  /** For `media`: which item (0-based), when the problem is one item's. */
  item: z.number().int().optional(),
});
const Suggestion = z.object({ value: z.string(), uses: z.number().int() });
const suggestionQuery = z.strictObject({
  prefix: z.string().max(100).default('').describe('What was typed after # or @ (the sign may be included)'),
  limit: z.coerce.number().int().min(1).max(50).default(8),
});

/**
 * What the composer asks while a post is written: the server's checks of a draft (counted the way each
 * network counts), hashtags and mentions used before, and whether links get shortened. Listed before the
 * post routes, so `posts/hashtags` is not read as a post id.
 */
export const composerRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/posts/validate',
    summary:
      'Check a post without saving it: per channel, its text and thread counted the way the network counts, and every problem saving would refuse, with its field',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    body: PostBody,
    response: {
      status: 200,
      schema: z.object({
        ok: z.boolean(),
        channels: z.array(
          z.object({
            channelId: z.string(),
            channelName: z.string().nullable(),
            network: z.string().nullable(),
            text: z.object({ count: z.number().int(), max: z.number().int(), unit: z.string() }).nullable(),
            thread: z.array(z.object({ count: z.number().int() })),
            issues: z.array(Issue),
          }),
        ),
        issues: z.array(z.object({ field: z.enum(['channels', 'schedule']), message: z.string() })),
      }),
    },
    async handler({ access, body, services }) {
      const check = await services.posts.checks.check(access, body);
      return {
        ok: check.ok,
        channels: check.channels.map((c) => ({
          channelId: c.channelId,
          channelName: c.channelName,
          network: c.network,
          text: c.text,
          thread: c.thread,
          issues: c.issues.map((i) => ({
            field: i.field,
            message: i.message,
            ...(i.part !== undefined ? { part: i.part } : {}),
            ...(i.option !== undefined ? { option: i.option } : {}),
            ...(i.item !== undefined ? { item: i.item } : {}),
          })),
        })),
        issues: check.issues,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts/hashtags',
    summary: "Hashtags of the workspace's recent posts starting with a prefix, most used first",
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    query: suggestionQuery,
    response: { status: 200, schema: z.object({ hashtags: z.array(Suggestion) }) },
    async handler({ access, query, services }) {
      return {
        hashtags: await services.posts.checks.recentTokens(access, 'hashtag', query.prefix, query.limit),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/posts/mentions',
    summary: "Accounts mentioned in the workspace's recent posts starting with a prefix, most used first",
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.read' },
    params: workspaceParams,
    query: suggestionQuery,
    response: { status: 200, schema: z.object({ mentions: z.array(Suggestion) }) },
    async handler({ access, query, services }) {
      return {
        mentions: await services.posts.checks.recentTokens(access, 'mention', query.prefix, query.limit),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/composer',
    summary: 'How the composer behaves here: whether a link shortener is configured',
    tag: 'posts',
    auth: { kind: 'workspace', permission: 'posts.write' },
    params: workspaceParams,
    response: {
      status: 200,
      schema: z.object({
        linkShortener: z.object({ configured: z.boolean(), name: z.string().nullable() }),
      }),
    },
    handler({ services }) {
      const name = services.posts.checks.linkShortener.name;
      return Promise.resolve({ linkShortener: { configured: name !== null, name } });
    },
  }),
];
