import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export type OrgRole = 'owner' | 'admin' | 'member';

export interface Organization {
  id: string;
  name: string;
}

export interface OrganizationMembership {
  organizationId: string;
  organizationName: string;
  role: OrgRole;
}

export class OrganizationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(org: { id: string; name: string }): Promise<void> {
    await this.db.insertInto('organizations').values(org).execute();
  }

  async find(id: string): Promise<Organization | undefined> {
    return this.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  }

  async addMember(organizationId: string, userId: string, role: OrgRole): Promise<void> {
    await this.db
      .insertInto('organization_members')
      .values({ organization_id: organizationId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
      .execute();
  }

  async membershipsOf(userId: string): Promise<OrganizationMembership[]> {
    const rows = await this.db
      .selectFrom('organization_members as m')
      .innerJoin('organizations as o', 'o.id', 'm.organization_id')
      .select(['o.id', 'o.name', 'm.role'])
      .where('m.user_id', '=', userId)
      .orderBy('o.name')
      .execute();
    return rows.map((r) => ({ organizationId: r.id, organizationName: r.name, role: r.role }));
  }

  async roleOf(organizationId: string, userId: string): Promise<OrgRole | undefined> {
    const row = await this.db
      .selectFrom('organization_members')
      .select('role')
      .where('organization_id', '=', organizationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  /** Owners and admins of an organization: they reach every workspace in it. */
  async leaders(
    organizationId: string,
  ): Promise<{ userId: string; email: string; name: string; role: OrgRole; createdAt: Date }[]> {
    const rows = await this.db
      .selectFrom('organization_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
      .where('m.organization_id', '=', organizationId)
      .where('m.role', 'in', ['owner', 'admin'])
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      createdAt: r.created_at,
    }));
  }
}
