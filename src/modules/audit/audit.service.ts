import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { newId } from '../../core/ids.js';
import { daysAgo, type Clock } from '../../core/clock.js';
import type { AuditRepository } from './audit.repository.js';

/** Who did something, and from where. Built by the HTTP layer or the CLI. */
export interface Actor {
  userId: string | null;
  tokenId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, tokenId: null, ip: null, userAgent: 'chorus-cli' };

export interface AuditEntry {
  action: string;
  organizationId?: string | null;
  workspaceId?: string | null;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    await this.repo.insert({
      id: newId(),
      organizationId: entry.organizationId ?? null,
      workspaceId: entry.workspaceId ?? null,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: actor.ip,
      userAgent: actor.userAgent?.slice(0, 300) ?? null,
      data: entry.data ?? {},
      createdAt: this.clock.now(),
    });
  }

  /** Records an action in a workspace (and its organization) on one target. */
  inWorkspace(
    actor: Actor,
    workspace: { id: string; organizationId: string },
    action: string,
    target: { type: string; id: string },
    data: Record<string, unknown> = {},
  ): Promise<void> {
    return this.record(actor, {
      action,
      organizationId: workspace.organizationId,
      workspaceId: workspace.id,
      targetType: target.type,
      targetId: target.id,
      data,
    });
  }

  async list(
    scope: { workspaceId: string; organizationId: string; includeOrganizationEvents: boolean },
    limit: number,
    cursor?: string,
  ) {
    const before = cursor ? decodeCursor(cursor, 'events') : undefined;
    const events = await this.repo.list({ ...scope, limit: limit + 1, ...(before ? { before } : {}) });
    const page = events.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page,
      nextCursor: events.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async deleteOlderThan(days: number): Promise<number> {
    return this.repo.deleteOlderThan(daysAgo(this.clock, days));
  }
}
