import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';
import type { Channel } from './channels.repository.js';
import { PREVIEW_STYLES } from '../../networks/contract.js';

const ChannelDto = z.object({
  id: z.uuid(),
  network: z.string(),
  name: z.string(),
  account: z.string().nullable(),
  status: z.enum(['connected', 'needs_reconnect', 'disconnected']),
  tokenExpiresAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  quota: z
    .object({
      remaining: z.number().int(),
      limit: z.number().int(),
      resetAt: z.string().nullable(),
      scope: z.string(),
      seenAt: z.string(),
    })
    .nullable(),
  createdAt: z.string(),
});
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Field by field: the credential's vault id and the credential itself never leave the server. */
const toChannelDto = (c: Channel) => ({
  id: c.id,
  network: c.network,
  name: c.name,
  account: c.account,
  status: c.status,
  tokenExpiresAt: iso(c.tokenExpiresAt),
  lastError: c.lastError,
  lastErrorAt: iso(c.lastErrorAt),
  lastCheckedAt: iso(c.lastCheckedAt),
  quota: c.quota && {
    remaining: c.quota.remaining,
    limit: c.quota.limit,
    resetAt: iso(c.quota.resetAt),
    scope: c.quota.scope,
    seenAt: c.quota.seenAt.toISOString(),
  },
  createdAt: c.createdAt.toISOString(),
});
const channelParams = z.strictObject({ workspaceId: z.uuid(), channelId: z.uuid() });
const Credential = z.record(z.string(), z.unknown());
const Field = z.object({
  name: z.string(),
  label: z.string(),
  secret: z.boolean(),
  help: z.string().optional(),
});

const NetworkLimitsDto = z.object({
  text: z.object({
    max: z.number().int(),
    unit: z.enum(['graphemes', 'characters', 'weighted']),
    /** Every http(s) link counts as this many units whatever its length; null: as written. */
    linkLength: z.number().int().nullable(),
    /** A mention of a remote account (@user@server) counts only "@user". */
    remoteMentionCountsUser: z.boolean(),
  }),
  media: z.object({
    maxItems: z.number().int(),
    types: z.array(z.string()),
    maxBytes: z.number().int(),
    maxVideoSeconds: z.number().nullable(),
    altTextMax: z.number().int().nullable(),
  }),
  threads: z.boolean(),
  firstComment: z.boolean(),
});
const PostOptionDto = z.object({
  name: z.string(),
  label: z.string(),
  help: z.string().optional(),
  kind: z.enum(['choice', 'text', 'boolean', 'languages']),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  maxLength: z.number().int().optional(),
  countsTowardText: z.boolean().optional(),
  max: z.number().int().optional(),
});

export const channelRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/networks',
    summary:
      'Networks Chorus can connect: the credential fields each needs, its limits (text, media, threads, first comment), the options a post for it takes, and its preview style',
    tag: 'channels',
    auth: { kind: 'user' },
    response: {
      status: 200,
      schema: z.object({
        networks: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            docsUrl: z.string(),
            verification: z.string(),
            auth: z.object({ kind: z.string(), fields: z.array(Field) }),
            /** Present when the network can be connected by signing in: the fields asked first. */
            oauth: z.object({ fields: z.array(Field) }).nullable(),
            /** Which look the composer's preview borrows. */
            preview: z.enum(PREVIEW_STYLES),
            limits: NetworkLimitsDto,
            /** Options a post's variant for this network may carry (`channels[].options`), as form fields. */
            options: z.array(PostOptionDto),
          }),
        ),
      }),
    },
    async handler({ services }) {
      return { networks: services.channels.networks() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/channels',
    summary: 'Channels of a workspace with their health',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.read' },
    params: workspaceParams,
    response: { status: 200, schema: z.object({ channels: z.array(ChannelDto) }) },
    async handler({ access, services }) {
      return { channels: (await services.channels.list(access)).map(toChannelDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/channels',
    summary: 'Connect a channel: the credential is checked with the network, then stored encrypted',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.manage' },
    params: workspaceParams,
    body: z.strictObject({
      network: z.string().min(1).max(50),
      name: z.string().trim().max(200).optional(),
      credential: Credential,
    }),
    response: { status: 201, schema: z.object({ channel: ChannelDto }) },
    async handler({ access, body, services, actor }) {
      return { channel: toChannelDto(await services.channels.connect(access, actor, body)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/channels/oauth',
    summary:
      'Start connecting (or, with channelId, reconnecting) a channel by signing in on the network; returns the address to send the person to',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.manage' },
    params: workspaceParams,
    body: z.strictObject({
      network: z.string().min(1).max(50),
      name: z.string().trim().max(200).optional(),
      channelId: z.uuid().optional(),
      fields: Credential.default({}),
    }),
    response: {
      status: 201,
      schema: z.object({ authorizeUrl: z.string(), expiresAt: z.string() }),
    },
    async handler({ access, body, services, actor }) {
      const flow = await services.channelSignIn.startOAuth(access, actor, body);
      return { authorizeUrl: flow.authorizeUrl, expiresAt: flow.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/oauth/complete',
    summary:
      'Finish a sign-in: the query the network sent back to /oauth/callback (state, and code or error); connects the channel',
    tag: 'channels',
    auth: { kind: 'session' },
    body: z.strictObject({
      state: z.string().min(1).max(500),
      code: z.string().min(1).max(2000).optional(),
      error: z.string().max(200).optional(),
      errorDescription: z.string().max(2000).optional(),
    }),
    response: { status: 201, schema: z.object({ channel: ChannelDto, workspaceId: z.uuid() }) },
    async handler({ body, principal, services, actor }) {
      const done = await services.channelSignIn.completeOAuth(principal.userId, actor, body);
      return { channel: toChannelDto(done.channel), workspaceId: done.workspaceId };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces/:workspaceId/channels/:channelId/test',
    summary: 'Check that the channel credential still works; records the result',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.manage' },
    params: channelParams,
    response: { status: 200, schema: z.object({ channel: ChannelDto }) },
    async handler({ access, params, services, actor }) {
      return { channel: toChannelDto(await services.channels.test(access, params.channelId, actor)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/workspaces/:workspaceId/channels/:channelId/credential',
    summary: 'Reconnect a channel with a new credential',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.manage' },
    params: channelParams,
    body: z.strictObject({ credential: Credential }),
    response: { status: 200, schema: z.object({ channel: ChannelDto }) },
    async handler({ access, params, body, services, actor }) {
      return {
        channel: toChannelDto(
          await services.channels.reconnect(access, params.channelId, body.credential, actor),
        ),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/workspaces/:workspaceId/channels/:channelId',
    summary: 'Disconnect a channel: its credential is deleted; its history stays',
    tag: 'channels',
    auth: { kind: 'workspace', permission: 'channels.manage' },
    params: channelParams,
    response: { status: 204 },
    async handler({ access, params, services, actor }) {
      await services.channels.disconnect(access, params.channelId, actor);
    },
  }),
];
