import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { workspaceParams } from '../../http/dto.js';

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId/audit-events',
    summary: 'Audit log: who did what, when, from which address (newest first)',
    tag: 'audit',
    auth: { kind: 'workspace', permission: 'audit.read' },
    params: workspaceParams,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.string().max(200).optional(),
    }),
    response: {
      status: 200,
      schema: z.object({
        events: z.array(
          z.object({
            id: z.uuid(),
            action: z.string(),
            actorName: z.string().nullable(),
            actorEmail: z.string().nullable(),
            actorTokenId: z.string().nullable(),
            targetType: z.string().nullable(),
            targetId: z.string().nullable(),
            ip: z.string().nullable(),
            createdAt: z.string(),
            data: z.record(z.string(), z.unknown()),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
    },
    async handler({ access, query, principal, services }) {
      const orgRole = await services.organizations.roleOf(access.workspace.organizationId, principal.userId);
      const page = await services.audit.list(
        {
          workspaceId: access.workspace.id,
          organizationId: access.workspace.organizationId,
          includeOrganizationEvents: orgRole === 'owner' || orgRole === 'admin',
        },
        query.limit,
        query.before,
      );
      return {
        events: page.events.map((e) => ({
          id: e.id,
          action: e.action,
          actorName: e.actorName,
          actorEmail: e.actorEmail,
          actorTokenId: e.actorTokenId,
          targetType: e.targetType,
          targetId: e.targetId,
          ip: e.ip,
          createdAt: e.createdAt.toISOString(),
          data: e.data,
        })),
        nextCursor: page.nextCursor,
      };
    },
  }),
];
