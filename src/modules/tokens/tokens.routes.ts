import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import type { ApiToken } from './tokens.repository.js';

const TokenDto = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  workspaceIds: z.array(z.uuid()),
  permissions: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toTokenDto = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  workspaceIds: t.workspaceIds,
  permissions: t.permissions,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: iso(t.lastUsedAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
});

export const tokenRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'Your personal API tokens (never their secrets)',
    tag: 'tokens',
    auth: { kind: 'session' },
    response: { status: 200, schema: z.object({ tokens: z.array(TokenDto) }) },
    async handler({ principal, services }) {
      return { tokens: (await services.tokens.list(principal.userId)).map(toTokenDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create a personal API token scoped to workspaces and permissions; the secret is shown once',
    tag: 'tokens',
    auth: { kind: 'session' },
    body: z.strictObject({
      name: z.string().trim().min(1).max(100),
      workspaceIds: z.array(z.uuid()).min(1).max(100),
      permissions: z.array(z.string()).min(1).max(50),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    response: { status: 201, schema: z.object({ token: TokenDto, secret: z.string() }) },
    async handler({ principal, body, services, actor }) {
      const { token, secret } = await services.tokens.create(principal.userId, body, actor);
      return { token: toTokenDto(token), secret };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/tokens/:tokenId',
    summary: 'Revoke a token',
    tag: 'tokens',
    auth: { kind: 'session' },
    params: z.strictObject({ tokenId: z.uuid() }),
    response: { status: 204 },
    async handler({ principal, params, services, actor }) {
      await services.tokens.revoke(principal.userId, params.tokenId, actor);
    },
  }),
];
