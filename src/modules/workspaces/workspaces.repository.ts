import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Role } from '../members/permissions.js';

export interface Workspace {
  id: string;
  organizationId: string;
  name: string;
  timezone: string;
  createdAt: Date;
}

export interface WorkspaceMember {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

type WorkspaceRow = { id: string; organization_id: string; name: string; timezone: string; created_at: Date };
const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  timezone: r.timezone,
  createdAt: r.created_at,
});

export class WorkspacesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(w: {
    id: string;
    organizationId: string;
    name: string;
    timezone: string;
  }): Promise<Workspace> {
    const row = await this.db
      .insertInto('workspaces')
      .values({
        id: w.id,
        organization_id: w.organizationId,
        name: w.name,
        timezone: w.timezone,
        updated_at: new Date(),
      })
      .returning(['id', 'organization_id', 'name', 'timezone', 'created_at'])
      .executeTakeFirstOrThrow();
    return toWorkspace(row);
  }

  async find(id: string): Promise<Workspace | undefined> {
    const row = await this.db
      .selectFrom('workspaces')
      .select(['id', 'organization_id', 'name', 'timezone', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toWorkspace(row);
  }

  async update(id: string, patch: { name?: string; timezone?: string }): Promise<Workspace | undefined> {
    const row = await this.db
      .updateTable('workspaces')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', id)
      .returning(['id', 'organization_id', 'name', 'timezone', 'created_at'])
      .executeTakeFirst();
    return row && toWorkspace(row);
  }

  /**
   * Every workspace the user reaches, with the effective role: an organization owner or admin holds that
   * role in all of the organization's workspaces; everyone else holds their workspace membership's role.
   */
  async accessibleBy(userId: string): Promise<(Workspace & { role: Role })[]> {
    const viaOrg = await this.db
      .selectFrom('workspaces as w')
      .innerJoin('organization_members as m', 'm.organization_id', 'w.organization_id')
      .select(['w.id', 'w.organization_id', 'w.name', 'w.timezone', 'w.created_at', 'm.role'])
      .where('m.user_id', '=', userId)
      .where('m.role', 'in', ['owner', 'admin'])
      .execute();
    const direct = await this.db
      .selectFrom('workspaces as w')
      .innerJoin('workspace_members as wm', 'wm.workspace_id', 'w.id')
      .select(['w.id', 'w.organization_id', 'w.name', 'w.timezone', 'w.created_at', 'wm.role'])
      .where('wm.user_id', '=', userId)
      .execute();
    const byId = new Map<string, Workspace & { role: Role }>();
    for (const r of direct) byId.set(r.id, { ...toWorkspace(r), role: r.role as Role });
    for (const r of viaOrg) byId.set(r.id, { ...toWorkspace(r), role: r.role as Role });
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async memberRole(workspaceId: string, userId: string): Promise<Role | undefined> {
    const row = await this.db
      .selectFrom('workspace_members')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role as Role | undefined;
  }

  async members(workspaceId: string): Promise<WorkspaceMember[]> {
    const rows = await this.db
      .selectFrom('workspace_members as wm')
      .innerJoin('users as u', 'u.id', 'wm.user_id')
      .select(['u.id', 'u.email', 'u.name', 'wm.role', 'wm.created_at'])
      .where('wm.workspace_id', '=', workspaceId)
      .orderBy('u.name')
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      email: r.email,
      name: r.name,
      role: r.role as Role,
      joinedAt: r.created_at,
    }));
  }

  async addMember(workspaceId: string, userId: string, role: Role): Promise<void> {
    await this.db
      .insertInto('workspace_members')
      .values({ workspace_id: workspaceId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async setMemberRole(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    const r = await this.db
      .updateTable('workspace_members')
      .set({ role })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async removeMember(workspaceId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}
