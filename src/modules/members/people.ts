import type { OrganizationsRepository } from '../workspaces/organizations.repository.js';
import type { Workspace, WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { can, type Permission, type Role } from './permissions.js';

/** Someone who can reach a workspace, with their effective role there. */
export interface WorkspacePerson {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Who reaches a workspace and what they may do there: its members by their workspace role, and the
 * organization's owners and admins, who reach every workspace with that role (the same rule as
 * `WorkspacesService.accessOf`). Features use it to decide whom to tell about an event.
 */
export class WorkspacePeople {
  constructor(
    private readonly deps: { workspaces: WorkspacesRepository; organizations: OrganizationsRepository },
  ) {}

  /** The workspace and everyone who reaches it (each person once), or undefined when it is gone. */
  async of(workspaceId: string): Promise<{ workspace: Workspace; people: WorkspacePerson[] } | undefined> {
    const workspace = await this.deps.workspaces.find(workspaceId);
    if (!workspace) return undefined;
    const byId = new Map<string, WorkspacePerson>();
    for (const m of await this.deps.workspaces.members(workspaceId)) {
      byId.set(m.userId, { userId: m.userId, email: m.email, name: m.name, role: m.role });
    }
    // An organization owner or admin holds that role in every workspace, whatever their membership says.
    for (const l of await this.deps.organizations.leaders(workspace.organizationId)) {
      if (l.role === 'owner' || l.role === 'admin') {
        byId.set(l.userId, { userId: l.userId, email: l.email, name: l.name, role: l.role });
      }
    }
    return { workspace, people: [...byId.values()] };
  }

  /** Everyone in the workspace whose role includes `permission`. */
  async allowedTo(
    workspaceId: string,
    permission: Permission,
  ): Promise<{ workspace: Workspace; people: WorkspacePerson[] } | undefined> {
    const found = await this.of(workspaceId);
    return found && { ...found, people: found.people.filter((p) => can(p.role, permission)) };
  }
}
