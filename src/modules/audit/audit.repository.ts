import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { olderThan } from '../../db/keyset.js';

export interface AuditEventInput {
  id: string;
  organizationId: string | null;
  workspaceId: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface AuditEvent {
  id: string;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  actorTokenId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

const toEvent = (r: {
  id: string;
  action: string;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_token_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}): AuditEvent => ({
  id: r.id,
  action: r.action,
  actorUserId: r.actor_user_id,
  actorName: r.actor_name,
  actorEmail: r.actor_email,
  actorTokenId: r.actor_token_id,
  targetType: r.target_type,
  targetId: r.target_id,
  ip: r.ip,
  data: r.data,
  createdAt: r.created_at,
});

export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(e: AuditEventInput): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: e.id,
        organization_id: e.organizationId,
        workspace_id: e.workspaceId,
        actor_user_id: e.actorUserId,
        actor_token_id: e.actorTokenId,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        ip: e.ip,
        user_agent: e.userAgent,
        data: JSON.stringify(e.data),
        created_at: e.createdAt,
      })
      .execute();
  }

  /** Events with their actor's name and e-mail. */
  private events() {
    return this.db
      .selectFrom('audit_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      .select([
        'e.id',
        'e.action',
        'e.actor_user_id',
        'e.actor_token_id',
        'u.name as actor_name',
        'u.email as actor_email',
        'e.target_type',
        'e.target_id',
        'e.ip',
        'e.data',
        'e.created_at',
      ]);
  }

  /** Events of a workspace about one target, oldest first (a post's activity). */
  async aboutTarget(
    workspaceId: string,
    targetType: string,
    targetId: string,
    limit: number,
  ): Promise<AuditEvent[]> {
    const rows = await this.events()
      .where('e.workspace_id', '=', workspaceId)
      .where('e.target_type', '=', targetType)
      .where('e.target_id', '=', targetId)
      .orderBy('e.created_at')
      .orderBy('e.id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /**
   * Events of one workspace, plus organization-wide events (workspace_id null) of its organization,
   * newest first, keyset-paginated on (created_at, id).
   */
  async list(options: {
    workspaceId: string;
    organizationId: string;
    /** Account events (logins) of the whole organization: only for organization owners and admins. */
    includeOrganizationEvents: boolean;
    limit: number;
    before?: { createdAt: Date; id: string };
  }): Promise<AuditEvent[]> {
    let q = this.events().where((eb) =>
      options.includeOrganizationEvents
        ? eb.or([
            eb('e.workspace_id', '=', options.workspaceId),
            eb.and([eb('e.workspace_id', 'is', null), eb('e.organization_id', '=', options.organizationId)]),
          ])
        : eb('e.workspace_id', '=', options.workspaceId),
    );
    const before = options.before;
    if (before) {
      q = q.where(olderThan(before, 'e'));
    }
    const rows = await q
      .orderBy('e.created_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(toEvent);
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const r = await this.db.deleteFrom('audit_events').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
