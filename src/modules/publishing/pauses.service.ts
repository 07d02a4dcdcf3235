import type { Clock } from '../../core/clock.js';
import { conflict } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { recordPublishing } from './audit.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { DeliveryEngine } from './delivery-engine.js';
import type { PostsRepository } from './posts.repository.js';
import type { Delivery } from './publishing.rows.js';

/**
 * Pauses (a channel, a workspace, or everything) and releasing what they held: paused deliveries are held
 * when due, never marked sent; resuming sends them now or reschedules them.
 */
export class PausesService {
  constructor(
    private readonly deps: {
      repo: PostsRepository;
      channels: ChannelsService;
      engine: DeliveryEngine;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  async pause(
    access: WorkspaceAccess,
    actor: Actor,
    target: { channelId?: string | undefined; reason?: string | undefined },
  ): Promise<void> {
    if (target.channelId) await this.deps.channels.get(access, target.channelId);
    await this.deps.repo.pause({
      id: newId(),
      scope: target.channelId ? 'channel' : 'workspace',
      scopeId: target.channelId ?? access.workspace.id,
      reason: target.reason ?? null,
      by: actor.userId,
    });
    await this.record(actor, access, 'publishing.paused', target.channelId ?? access.workspace.id, {
      scope: target.channelId ? 'channel' : 'workspace',
    });
  }

  /**
   * Lifts a pause and releases what it held: `send_now` sends everything held at once; `reschedule`
   * keeps each delivery's time if it is still ahead, and spreads the overdue ones from now, `spacingMinutes`
   * apart per channel, in their original order.
   */
  async resume(
    access: WorkspaceAccess,
    actor: Actor,
    target: {
      channelId?: string | undefined;
      mode: 'send_now' | 'reschedule';
      spacingMinutes?: number | undefined;
    },
  ): Promise<{ released: number }> {
    if (target.channelId) await this.deps.channels.get(access, target.channelId);
    const lifted = await this.deps.repo.resume(
      target.channelId ? 'channel' : 'workspace',
      target.channelId ?? access.workspace.id,
    );
    if (!lifted) throw conflict('Publishing is not paused there.');
    const released = await this.release(
      access.workspace.id,
      target.channelId ?? null,
      target.mode,
      target.spacingMinutes ?? 15,
    );
    await this.record(actor, access, 'publishing.resumed', target.channelId ?? access.workspace.id, {
      mode: target.mode,
      released,
    });
    return { released };
  }

  /** Pauses publishing everywhere (the operator's brake: `chorus publishing pause`). */
  async pauseEverything(actor: Actor, reason: string | null): Promise<void> {
    await this.deps.repo.pause({ id: newId(), scope: 'global', scopeId: null, reason, by: actor.userId });
    await this.deps.audit.record(actor, { action: 'publishing.paused', data: { scope: 'global', reason } });
  }

  /** Lifts the global pause and releases every held delivery that nothing else holds. */
  async resumeEverything(
    actor: Actor,
    mode: 'send_now' | 'reschedule',
    spacingMinutes = 15,
  ): Promise<{ released: number }> {
    if (!(await this.deps.repo.resume('global', null)))
      throw conflict('Publishing is not paused everywhere.');
    const released = await this.releaseHeld(await this.deps.repo.allHeld(), mode, spacingMinutes);
    await this.deps.audit.record(actor, {
      action: 'publishing.resumed',
      data: { scope: 'global', mode, released },
    });
    return { released };
  }

  /** Re-evaluates held deliveries (after a resume or a reconnect); those still held stay paused. */
  async release(
    workspaceId: string,
    channelId: string | null,
    mode: 'send_now' | 'reschedule',
    spacingMinutes = 15,
  ): Promise<number> {
    return this.releaseHeld(await this.deps.repo.held(workspaceId, channelId), mode, spacingMinutes);
  }

  private async releaseHeld(
    held: Delivery[],
    mode: 'send_now' | 'reschedule',
    spacingMinutes: number,
  ): Promise<number> {
    const now = this.deps.clock.now();
    const nextSlot = new Map<string, number>();
    let released = 0;
    for (const d of held) {
      let at = now;
      if (mode === 'reschedule') {
        if (d.dueAt > now) at = d.dueAt;
        else {
          const slot = nextSlot.get(d.channelId) ?? now.getTime();
          at = new Date(slot);
          nextSlot.set(d.channelId, slot + spacingMinutes * 60_000);
        }
      }
      const moved = await this.deps.repo.reschedule([d.id], at, now, ['paused']);
      if (moved.length > 0) {
        released += 1;
        await this.deps.engine.enqueue(d.id, at);
      }
    }
    return released;
  }

  pauses(access: WorkspaceAccess) {
    return this.deps.repo.pauses(access.workspace.id);
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    targetId: string,
    data: Record<string, unknown>,
  ) {
    return recordPublishing(this.deps.audit, actor, access, action, targetId, data);
  }
}
