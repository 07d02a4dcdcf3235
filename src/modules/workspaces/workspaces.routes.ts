import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { WorkspaceDto, toWorkspaceDto, workspaceParams } from '../../http/dto.js';
import { PERMISSIONS, PERMISSION_IDS, ROLES, ROLE_INFO, ROLE_PERMISSIONS } from '../members/permissions.js';

const WorkspaceResponse = z.object({ workspace: WorkspaceDto });

export const workspaceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces',
    summary: 'Workspaces the caller can reach',
    tag: 'workspaces',
    auth: { kind: 'user' },
    response: { status: 200, schema: z.object({ workspaces: z.array(WorkspaceDto) }) },
    async handler({ principal, services }) {
      let list = await services.workspaces.listFor(principal.userId);
      if (principal.kind === 'token')
        list = list.filter((w) => principal.workspaceIds.includes(w.workspace.id));
      return { workspaces: list.map(toWorkspaceDto) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workspaces',
    summary: 'Create a workspace (a brand or a client) in an organization you own or administer',
    tag: 'workspaces',
    auth: { kind: 'session' },
    body: z.strictObject({
      organizationId: z.uuid(),
      name: z.string().trim().min(1).max(200),
      timezone: z.string().min(1).max(100),
    }),
    response: { status: 201, schema: WorkspaceResponse },
    async handler({ principal, body, services, actor }) {
      return { workspace: toWorkspaceDto(await services.workspaces.create(principal.userId, body, actor)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workspaces/:workspaceId',
    summary: 'One workspace',
    tag: 'workspaces',
    auth: { kind: 'workspace', permission: 'workspace.read' },
    params: workspaceParams,
    response: { status: 200, schema: WorkspaceResponse },
    async handler({ access }) {
      return { workspace: toWorkspaceDto(access) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/workspaces/:workspaceId',
    summary: 'Rename a workspace or change its time zone',
    tag: 'workspaces',
    auth: { kind: 'workspace', permission: 'workspace.manage' },
    params: workspaceParams,
    body: z
      .strictObject({
        name: z.string().trim().min(1).max(200).optional(),
        timezone: z.string().min(1).max(100).optional(),
      })
      .refine(
        (b) => b.name !== undefined || b.timezone !== undefined,
        'Send at least one of name, timezone.',
      ),
    response: { status: 200, schema: WorkspaceResponse },
    async handler({ access, body, services, actor }) {
      return { workspace: toWorkspaceDto(await services.workspaces.update(access, body, actor)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/roles',
    summary: 'Roles, permissions and the matrix between them',
    tag: 'workspaces',
    auth: { kind: 'public' },
    response: {
      status: 200,
      schema: z.object({
        roles: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })),
        permissions: z.array(z.object({ id: z.string(), description: z.string() })),
        matrix: z.record(z.string(), z.array(z.string())),
      }),
    },
    async handler() {
      return {
        roles: ROLES.map((id) => ({ id, ...ROLE_INFO[id] })),
        permissions: PERMISSION_IDS.map((id) => ({ id, description: PERMISSIONS[id] })),
        matrix: Object.fromEntries(ROLES.map((r) => [r, [...ROLE_PERMISSIONS[r]]])),
      };
    },
  }),
];
