import { z } from 'zod';
import type { User } from '../modules/auth/users.repository.js';
import type { WorkspaceAccess } from '../modules/workspaces/workspaces.service.js';

/** Response shapes shared by several modules. Responses are built field by field, never from rows. */
export const UserDto = z.object({ id: z.uuid(), email: z.string(), name: z.string() });
export const toUserDto = (u: User) => ({ id: u.id, email: u.email, name: u.name });

export const WorkspaceDto = z.object({
  id: z.uuid(),
  name: z.string(),
  organizationId: z.uuid(),
  timezone: z.string(),
  role: z.string(),
  permissions: z.array(z.string()),
});
export const toWorkspaceDto = (a: WorkspaceAccess) => ({
  id: a.workspace.id,
  name: a.workspace.name,
  organizationId: a.workspace.organizationId,
  timezone: a.workspace.timezone,
  role: a.role,
  permissions: [...a.permissions],
});

export const SessionResponse = z.object({ user: UserDto, csrfToken: z.string() });

export const workspaceParams = z.strictObject({ workspaceId: z.uuid() });
