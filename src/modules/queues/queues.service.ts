import type { Clock } from '../../core/clock.js';
import { invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { isValidTimeZone } from '../../core/wallclock.js';
import type { Repositories } from '../../db/repositories.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import { QUEUE_PAUSED_REASON } from '../publishing/posts.repository.js';
import type { SlotTaker } from '../publishing/posts.service.js';
import type { Queue, QueuesRepository } from './queues.repository.js';
import {
  QUEUE_HORIZON_DAYS,
  addBusy,
  gridProblems,
  isBusy,
  nextFreeSlot,
  slotInstants,
  slotTakes,
  type Slot,
} from './slots.js';

export interface QueueView {
  channelId: string;
  timeZone: string;
  paused: boolean;
  /** False until someone saves a grid for the channel. */
  configured: boolean;
  slots: (Slot & { id: string })[];
  /** The next slot times (two weeks), each with the delivery holding it, if any. */
  upcoming: { at: Date; categoryId: string | null; deliveryId: string | null; postId: string | null }[];
}

/**
 * Takes the next free slot of a channel's queue for a new delivery, inside the caller's transaction,
 * holding the channel's queue lock until it commits, so two posts added at once get two slots.
 */
export function queueSlotTaker(repo: QueuesRepository): SlotTaker {
  return {
    async take(channel, categoryId, now) {
      await repo.lock(channel.id);
      const queue = await repo.find(channel.id);
      if (!queue || queue.slots.length === 0) {
        throw invalid(
          `${channel.name} has no queue yet: set up its time slots in Queues, or choose a time for this post.`,
          { channelId: channel.id },
        );
      }
      const until = new Date(now.getTime() + (QUEUE_HORIZON_DAYS + 1) * 86_400_000);
      const busy = await repo.busyTimes(channel.id, new Date(now.getTime() - 3_600_000), until);
      const at = nextFreeSlot(queue.slots, queue.timeZone, busy, now, categoryId);
      if (!at) {
        const only = queue.slots.every((s) => s.categoryId !== null) && categoryId === null;
        throw invalid(
          only
            ? `Every slot of ${channel.name}'s queue belongs to a category: give the post a category, add a slot without one, or choose a time.`
            : `${channel.name}'s queue has no free slot in the next ${QUEUE_HORIZON_DAYS} days: add time slots in Queues, or choose a time for this post.`,
          { channelId: channel.id },
        );
      }
      return { at, held: queue.paused };
    },
  };
}

/** The weekly slot grids of channels, and what moves posts within them (shuffle, recalculate, pause). */
export class QueuesService {
  constructor(
    private readonly deps: {
      transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
      repo: QueuesRepository;
      channels: ChannelsService;
      audit: AuditService;
      clock: Clock;
      /** Asks the job engine to run a delivery at its (new) time. */
      enqueue(deliveryId: string, at: Date): Promise<unknown>;
    },
  ) {}

  async get(access: WorkspaceAccess, channelId: string): Promise<QueueView> {
    const channel = await this.deps.channels.get(access, channelId);
    const queue = await this.deps.repo.find(channel.id);
    return this.view(channel.id, queue, access.workspace.timezone);
  }

  private async view(channelId: string, queue: Queue | undefined, defaultZone: string): Promise<QueueView> {
    const now = this.deps.clock.now();
    const zone = queue?.timeZone ?? defaultZone;
    const slots = queue?.slots ?? [];
    const until = new Date(now.getTime() + 14 * 86_400_000);
    const held = await this.deps.repo.queuedDeliveries(channelId);
    const upcoming: QueueView['upcoming'] = [];
    for (const { at, slot } of slotInstants(slots, zone, now, until)) {
      const d = held.find((h) => Math.abs(h.dueAt.getTime() - at.getTime()) <= 5 * 60_000);
      upcoming.push({
        at,
        categoryId: slot.categoryId,
        deliveryId: d?.id ?? null,
        postId: d?.postId ?? null,
      });
    }
    return {
      channelId,
      timeZone: zone,
      paused: queue?.paused ?? false,
      configured: queue !== undefined,
      slots,
      upcoming,
    };
  }

  /** Replaces a channel's grid. Posts already placed keep their times unless `recalculate` is asked. */
  async save(
    access: WorkspaceAccess,
    actor: Actor,
    channelId: string,
    input: { timeZone?: string | undefined; slots: Slot[]; recalculate?: boolean | undefined },
  ): Promise<QueueView> {
    const channel = await this.deps.channels.get(access, channelId);
    const zone = input.timeZone ?? access.workspace.timezone;
    if (!isValidTimeZone(zone))
      throw invalid(`timeZone "${zone}" is not an IANA time zone, such as Europe/Berlin.`);
    const problems = gridProblems(input.slots);
    if (problems.length > 0) {
      throw invalid(
        `The slot grid has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join(' ')}`,
        {
          issues: problems,
        },
      );
    }
    const categoryIds = [...new Set(input.slots.flatMap((s) => (s.categoryId ? [s.categoryId] : [])))];
    const now = this.deps.clock.now();
    const moved = await this.deps.transaction(async (repos) => {
      for (const id of categoryIds) {
        if (!(await repos.planner.find(access.workspace.id, id)))
          throw invalid(
            `Category ${id} is not a category of this workspace; create it first or leave the slot without one.`,
          );
      }
      await repos.queues.lock(channel.id);
      await repos.queues.save(
        { channelId: channel.id, workspaceId: access.workspace.id, timeZone: zone },
        input.slots.map((s) => ({ ...s, id: newId() })),
        now,
      );
      return input.recalculate ? this.replace(repos.queues, channel.id, 'keep', now) : [];
    });
    await this.afterMove(moved);
    await this.record(actor, access, 'queue.updated', channel.id, {
      slots: input.slots.length,
      timeZone: zone,
      moved: moved.length,
    });
    return this.get(access, channel.id);
  }

  /** Puts every queued post back into the slots in its current order, from now on. Pinned posts stay. */
  recalculate(access: WorkspaceAccess, actor: Actor, channelId: string): Promise<QueueView> {
    return this.reorder(access, actor, channelId, 'keep', 'queue.recalculated');
  }

  /** Puts the queued posts into the same slots in a random order. Pinned posts stay. */
  shuffle(access: WorkspaceAccess, actor: Actor, channelId: string): Promise<QueueView> {
    return this.reorder(access, actor, channelId, 'shuffle', 'queue.shuffled');
  }

  private async reorder(
    access: WorkspaceAccess,
    actor: Actor,
    channelId: string,
    order: 'keep' | 'shuffle',
    action: string,
  ): Promise<QueueView> {
    const channel = await this.deps.channels.get(access, channelId);
    const now = this.deps.clock.now();
    const moved = await this.deps.transaction(async (repos) => {
      await repos.queues.lock(channel.id);
      return this.replace(repos.queues, channel.id, order, now);
    });
    await this.afterMove(moved);
    await this.record(actor, access, action, channel.id, { moved: moved.length });
    return this.get(access, channel.id);
  }

  /**
   * Pausing holds every queued post of the channel (never sent while paused); resuming puts them back
   * into the next free slots from now on, so nothing goes out late in a burst.
   */
  async setPaused(
    access: WorkspaceAccess,
    actor: Actor,
    channelId: string,
    paused: boolean,
  ): Promise<QueueView> {
    const channel = await this.deps.channels.get(access, channelId);
    const now = this.deps.clock.now();
    const moved = await this.deps.transaction(async (repos) => {
      await repos.queues.lock(channel.id);
      const queue = await repos.queues.find(channel.id);
      if (!queue) throw notFound('Queue');
      await repos.queues.setPaused(channel.id, paused, now);
      if (paused) {
        for (const d of await repos.queues.queuedDeliveries(channel.id)) {
          if (d.state === 'scheduled')
            await repos.queues.place(d.id, d.dueAt, true, QUEUE_PAUSED_REASON, now);
        }
        return [];
      }
      return this.replace(repos.queues, channel.id, 'keep', now);
    });
    await this.afterMove(moved);
    await this.record(actor, access, paused ? 'queue.paused' : 'queue.resumed', channel.id, {
      moved: moved.length,
    });
    return this.get(access, channel.id);
  }

  /**
   * Places the channel's queued deliveries into free slots from `now`, in their order (or shuffled),
   * around the times of everything else (pinned posts, published ones). Caller holds the queue lock.
   */
  private async replace(
    repo: QueuesRepository,
    channelId: string,
    order: 'keep' | 'shuffle',
    now: Date,
  ): Promise<{ id: string; at: Date; held: boolean }[]> {
    const queue = await repo.find(channelId);
    if (!queue) return [];
    const queued = await repo.queuedDeliveries(channelId);
    if (order === 'shuffle') {
      for (let i = queued.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [queued[i], queued[j]] = [queued[j]!, queued[i]!];
      }
    }
    const until = new Date(now.getTime() + (QUEUE_HORIZON_DAYS + 1) * 86_400_000);
    const busy = await repo.busyTimes(
      channelId,
      new Date(now.getTime() - 3_600_000),
      new Date(until.getTime() + QUEUE_HORIZON_DAYS * 86_400_000),
      queued.map((d) => d.id),
    );
    const moved: { id: string; at: Date; held: boolean }[] = [];
    for (const d of queued) {
      const at =
        nextFreeSlot(queue.slots, queue.timeZone, busy, now, d.categoryId) ??
        this.lastResort(queue, busy, now, d.categoryId);
      if (!at) continue; // No slot at all for its category: it keeps its time.
      addBusy(busy, at.getTime());
      const held = queue.paused;
      if (at.getTime() === d.dueAt.getTime() && held === d.queueHeld) continue;
      if (await repo.place(d.id, at, held, QUEUE_PAUSED_REASON, now)) moved.push({ id: d.id, at, held });
    }
    return moved;
  }

  /** Past the horizon (a long queue): the first free slot after it, so a queued post is never dropped. */
  private lastResort(queue: Queue, busy: number[], now: Date, categoryId: string | null): Date | null {
    const from = new Date(now.getTime() + QUEUE_HORIZON_DAYS * 86_400_000);
    const until = new Date(from.getTime() + QUEUE_HORIZON_DAYS * 86_400_000);
    for (const { at, slot } of slotInstants(queue.slots, queue.timeZone, from, until)) {
      if (slotTakes(queue.slots, slot, categoryId) && !isBusy(busy, at.getTime())) return at;
    }
    return null;
  }

  private async afterMove(moved: { id: string; at: Date; held: boolean }[]): Promise<void> {
    for (const m of moved) if (!m.held) await this.deps.enqueue(m.id, m.at);
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    channelId: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      action,
      { type: 'channel', id: channelId },
      data,
    );
  }
}
