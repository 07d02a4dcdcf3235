import { forbidden, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { isValidTimeZone } from '../../core/timezones.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { permissionsOf, type Permission, type Role } from '../members/permissions.js';
import type { OrganizationsRepository } from './organizations.repository.js';
import type { Workspace, WorkspacesRepository } from './workspaces.repository.js';

export interface WorkspaceAccess {
  workspace: Workspace;
  role: Role;
  permissions: readonly Permission[];
}

export class WorkspacesService {
  constructor(
    private readonly deps: {
      workspaces: WorkspacesRepository;
      organizations: OrganizationsRepository;
      audit: AuditService;
    },
  ) {}

  async listFor(userId: string): Promise<WorkspaceAccess[]> {
    const list = await this.deps.workspaces.accessibleBy(userId);
    return list.map(({ role, ...workspace }) => ({ workspace, role, permissions: permissionsOf(role) }));
  }

  /** The caller's access to one workspace, or undefined: callers answer "not found" either way. */
  async accessOf(userId: string, workspaceId: string): Promise<WorkspaceAccess | undefined> {
    const workspace = await this.deps.workspaces.find(workspaceId);
    if (!workspace) return undefined;
    const orgRole = await this.deps.organizations.roleOf(workspace.organizationId, userId);
    const role: Role | undefined =
      orgRole === 'owner' || orgRole === 'admin'
        ? orgRole
        : await this.deps.workspaces.memberRole(workspaceId, userId);
    return role && { workspace, role, permissions: permissionsOf(role) };
  }

  async create(
    userId: string,
    input: { organizationId: string; name: string; timezone: string },
    actor: Actor,
  ): Promise<WorkspaceAccess> {
    const orgRole = await this.deps.organizations.roleOf(input.organizationId, userId);
    if (!orgRole) throw notFound('Organization');
    if (orgRole !== 'owner' && orgRole !== 'admin') {
      throw forbidden('Only organization owners and admins can create workspaces. Ask one of them to do it.');
    }
    assertTimeZone(input.timezone);
    const workspace = await this.deps.workspaces.insert({ id: newId(), ...input });
    await this.deps.audit.record(actor, {
      action: 'workspace.created',
      organizationId: workspace.organizationId,
      workspaceId: workspace.id,
      targetType: 'workspace',
      targetId: workspace.id,
      data: { name: workspace.name },
    });
    return { workspace, role: orgRole, permissions: permissionsOf(orgRole) };
  }

  async update(
    access: WorkspaceAccess,
    patch: { name?: string | undefined; timezone?: string | undefined },
    actor: Actor,
  ) {
    if (patch.timezone !== undefined) assertTimeZone(patch.timezone);
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const workspace = await this.deps.workspaces.update(access.workspace.id, clean);
    if (!workspace) throw notFound('Workspace');
    await this.deps.audit.record(actor, {
      action: 'workspace.updated',
      organizationId: workspace.organizationId,
      workspaceId: workspace.id,
      targetType: 'workspace',
      targetId: workspace.id,
      data: clean,
    });
    return { ...access, workspace };
  }
}

function assertTimeZone(zone: string): void {
  if (!isValidTimeZone(zone)) {
    throw invalid(
      `"${zone}" is not a time zone. Use an IANA name such as Europe/Berlin or America/New_York.`,
    );
  }
}
