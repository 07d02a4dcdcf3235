import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { recordPublishing } from './audit.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { DeliveryEngine } from './delivery-engine.js';
import type { DeliveryState } from './publishing.rows.js';
import type { DeliveriesRepository } from './deliveries.repository.js';
import type { PlanningFields, PostListQuery, PostsRepository } from './posts.repository.js';
import type { LinkShortener } from './links.js';
import { changesBetween } from './post-changes.js';
import { PostChecks, type Timing } from './post-checks.js';
import { contentHash, liveVariants } from './post-content.js';
import {
  type ApprovalGate,
  normalizeTags,
  type ChannelInput,
  type PostInput,
  type PostMedia,
  type PostView,
  type SlotTaker,
} from './posts.types.js';

export * from './posts.types.js';
export { changesBetween } from './post-changes.js';

/** A post's text and options for one channel (null body: the shared one). */
function saveVariant(repo: PostsRepository, postId: string, c: ChannelInput): Promise<string> {
  return repo.upsertVariant({
    id: newId(),
    postId,
    channelId: c.channelId,
    body: c.body ?? null,
    thread: c.thread ?? [],
    options: c.options ?? {},
    media: (c.media ?? []).map((m) => ({
      assetId: m.assetId,
      ...(m.alt !== undefined ? { alt: m.alt } : {}),
    })),
  });
}

/** A new delivery of a post to a channel; its idempotency key is sent with every attempt. */
async function newDelivery(
  repo: PostsRepository,
  access: WorkspaceAccess,
  postId: string,
  variantId: string,
  channelId: string,
  dueAt: Date,
  now: Date,
  queue?: { held: boolean },
): Promise<{ id: string; dueAt: Date; held: boolean }> {
  const id = newId();
  await repo.insertDelivery({
    id,
    workspaceId: access.workspace.id,
    postId,
    variantId,
    channelId,
    dueAt,
    idempotencyKey: `chorus-${id}`,
    now,
    queue,
  });
  return { id, dueAt, held: queue?.held ?? false };
}

const earliest = (list: readonly { dueAt: Date }[]): Date =>
  new Date(Math.min(...list.map((d) => d.dueAt.getTime())));

/** Deliveries an edit may move to a new time: waiting ones, and ones an earlier edit cancelled. */
export const REVIVABLE = new Set<DeliveryState>(['scheduled', 'paused', 'cancelled']);

/**
 * The minimal post API the engine needs: a shared body and per-channel variants, published now or at a
 * time, edited or deleted until it is sent, listed with the state of every delivery.
 */
export class PostsService {
  constructor(
    private readonly deps: {
      repo: PostsRepository;
      deliveries: DeliveriesRepository;
      transaction<T>(fn: (repo: PostsRepository, slots: SlotTaker) => Promise<T>): Promise<T>;
      /** Whether a category belongs to the workspace. */
      categoryExists(workspaceId: string, categoryId: string): Promise<boolean>;
      channels: ChannelsService;
      engine: DeliveryEngine;
      media?: PostMedia;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
      /** Where link tracking plugs in; links stay as written by default. */
      links?: LinkShortener;
      /** Approval workflows; without them a post needs approval when its author may not publish. */
      approvals?: ApprovalGate;
    },
  ) {
    this.checks = new PostChecks(deps);
  }

  /** The checks saving a post runs, which the composer also asks for (`POST …/posts/validate`). */
  readonly checks: PostChecks;

  /** Whether the caller's post to these channels must be approved before it publishes. */
  private approvalRequired(access: WorkspaceAccess, channelIds: readonly string[]): Promise<boolean> {
    if (this.deps.approvals) return this.deps.approvals.required(access, channelIds);
    return Promise.resolve(!access.permissions.includes('posts.publish'));
  }

  /** Planning fields checked: tags normalized, the category one of the workspace's. */
  private async planning(access: WorkspaceAccess, input: Partial<PostInput>): Promise<PlanningFields> {
    const fields: PlanningFields = {};
    if (input.kind !== undefined) fields.kind = input.kind;
    if (input.title !== undefined) fields.title = input.title?.trim() || null;
    if (input.notes !== undefined) fields.notes = input.notes?.trim() || null;
    if (input.campaign !== undefined) fields.campaign = input.campaign?.trim() || null;
    if (input.tags !== undefined) fields.tags = normalizeTags(input.tags);
    if (input.categoryId !== undefined) {
      if (
        input.categoryId !== null &&
        !(await this.deps.categoryExists(access.workspace.id, input.categoryId))
      ) {
        throw invalid(
          `categoryId ${input.categoryId} is not a category of this workspace: create it under Categories first.`,
        );
      }
      fields.categoryId = input.categoryId;
    }
    return fields;
  }

  /** A new delivery's time: the fixed one, or the channel's next free queue slot (taken in `tx`). */
  private async placeDelivery(
    slots: SlotTaker,
    timing: Timing,
    channel: Channel,
    categoryId: string | null,
    now: Date,
  ): Promise<{ at: Date; queue?: { held: boolean } }> {
    if (timing.kind === 'fixed') return { at: timing.at };
    const { at, held } = await slots.take(channel, categoryId, now);
    return { at, queue: { held } };
  }

  async create(access: WorkspaceAccess, actor: Actor, input: PostInput): Promise<PostView> {
    const kind = input.kind ?? 'post';
    if (kind === 'idea' && input.schedule) {
      throw invalid('An idea has no time: save it, then turn it into a post (kind "post") to schedule it.');
    }
    if (kind === 'post' && input.channels.length === 0)
      throw invalid('Choose at least one channel to publish to.');
    const needsApproval = await this.approvalRequired(
      access,
      input.channels.map((c) => c.channelId),
    );
    const postId = newId();
    if (input.shortenLinks) input = { ...input, ...(await this.checks.shorten(access, postId, input)) };
    const { channels, checks } = await this.checks.evaluate(access, input.body, input.channels);
    this.checks.refuseProblems(checks, kind);
    const planning = await this.planning(access, input);
    const schedule = input.schedule ? this.checks.resolveSchedule(access, input.schedule) : null;
    await this.checks.checkMedia(access, input.channels, channels, schedule !== null);
    const now = this.deps.clock.now();
    const created = await this.deps.transaction(async (repo, slots) => {
      const deliveries: { id: string; dueAt: Date; held: boolean }[] = [];
      const variants: { input: ChannelInput; variantId: string }[] = [];
      await repo.insertPost({
        id: postId,
        workspaceId: access.workspace.id,
        body: input.body,
        approved: !needsApproval,
        approvalState: needsApproval ? 'required' : 'not_required',
        approvalExpiresAt: null,
        sendUnapproved: false,
        scheduledAt: schedule?.timing.kind === 'fixed' ? schedule.timing.at : null,
        scheduleLocal: schedule?.local ?? null,
        scheduleZone: schedule?.zone ?? null,
        createdBy: actor.userId,
        now,
        kind,
        title: planning.title ?? null,
        notes: planning.notes ?? null,
        tags: planning.tags ?? [],
        campaign: planning.campaign ?? null,
        categoryId: planning.categoryId ?? null,
        repeatsDeliveryId: null,
        evergreenSince: null,
      });
      for (const c of input.channels)
        variants.push({ input: c, variantId: await saveVariant(repo, postId, c) });
      if (schedule) {
        for (const { input: c, variantId } of variants) {
          const place = await this.placeDelivery(
            slots,
            schedule.timing,
            channels.get(c.channelId)!,
            planning.categoryId ?? null,
            now,
          );
          deliveries.push(
            await newDelivery(repo, access, postId, variantId, c.channelId, place.at, now, place.queue),
          );
        }
        if (schedule.timing.kind === 'queue')
          await repo.updatePost(postId, { scheduledAt: earliest(deliveries) }, now);
      }
      return deliveries;
    });
    for (const d of created) if (!d.held) await this.deps.engine.enqueue(d.id, d.dueAt);
    await this.record(actor, access, kind === 'idea' ? 'idea.created' : 'post.created', postId, {
      channels: input.channels.length,
      scheduledAt: created.length > 0 ? earliest(created).toISOString() : null,
      queued: schedule?.timing.kind === 'queue',
      approved: !needsApproval,
    });
    return this.get(access, postId);
  }

  async update(
    access: WorkspaceAccess,
    actor: Actor,
    postId: string,
    input: Partial<PostInput>,
  ): Promise<PostView> {
    const current = await this.get(access, postId);
    if (current.deliveries.some((d) => d.state === 'sending')) {
      throw conflict('The post is being sent right now; edit it once sending has finished.');
    }
    const kind = input.kind ?? current.post.kind;
    if (
      kind === 'idea' &&
      current.post.kind === 'post' &&
      current.deliveries.some((d) => d.state !== 'cancelled')
    ) {
      throw conflict(
        'This post has deliveries; only a post that was never scheduled can go back to the ideas.',
      );
    }
    let body = input.body ?? current.post.body;
    let inputs =
      input.channels ??
      current.variants.map((v) => ({
        channelId: v.channelId,
        body: v.body ?? undefined,
        thread: v.thread,
        options: v.options,
        media: v.media,
      }));
    if (kind === 'post' && inputs.length === 0) throw invalid('Choose at least one channel to publish to.');
    if (input.shortenLinks)
      ({ body, channels: inputs } = await this.checks.shorten(access, postId, { body, channels: inputs }));
    const { channels, checks } = await this.checks.evaluate(access, body, inputs);
    this.checks.refuseProblems(checks, kind);
    const planning = await this.planning(access, input);
    const categoryId = planning.categoryId !== undefined ? planning.categoryId : current.post.categoryId;
    if (kind === 'idea' && input.schedule) {
      throw invalid('An idea has no time: turn it into a post (kind "post") to schedule it.');
    }
    // Unchanged schedule: waiting deliveries keep their times (queued or pinned); new channels get the
    // post's time, or a queue slot when the post came from the queue.
    const unchanged = input.schedule === undefined;
    const wasQueued = current.deliveries.some((d) => d.queued && d.state !== 'cancelled');
    const schedule =
      input.schedule === undefined
        ? current.post.scheduledAt
          ? {
              timing: wasQueued
                ? ({ kind: 'queue' } as Timing)
                : ({ kind: 'fixed', at: current.post.scheduledAt } as Timing),
              local: current.post.scheduleLocal,
              zone: current.post.scheduleZone,
            }
          : null
        : input.schedule === null
          ? null
          : this.checks.resolveSchedule(access, input.schedule);
    await this.checks.checkMedia(access, inputs, channels, schedule !== null);
    const approval = await this.approvalAfterEdit(access, current, body, inputs);
    const now = this.deps.clock.now();
    const toEnqueue: { id: string; dueAt: Date; held: boolean }[] = [];
    await this.deps.transaction(async (repo, slots) => {
      if (approval) await repo.setApproval(postId, approval);
      await repo.updatePost(
        postId,
        {
          ...planning,
          body,
          scheduledAt: schedule?.timing.kind === 'fixed' ? schedule.timing.at : null,
          scheduleLocal: schedule?.local ?? null,
          scheduleZone: schedule?.zone ?? null,
        },
        now,
      );
      const keep = new Set(inputs.map((c) => c.channelId));
      const removed = current.variants.filter((v) => !keep.has(v.channelId)).map((v) => v.channelId);
      await repo.cancelDeliveries(postId, removed, now);
      for (const c of inputs) {
        const variantId = await saveVariant(repo, postId, c);
        const existing = current.deliveries.find((d) => d.channelId === c.channelId);
        if (!schedule) continue;
        const channel = channels.get(c.channelId)!;
        if (!existing) {
          const place = await this.placeDelivery(slots, schedule.timing, channel, categoryId, now);
          toEnqueue.push(
            await newDelivery(repo, access, postId, variantId, c.channelId, place.at, now, place.queue),
          );
        } else if (REVIVABLE.has(existing.state) && !(unchanged && existing.state !== 'cancelled')) {
          // A delivery that waits (or was cancelled by an earlier edit) takes the new time; published and
          // failed ones keep theirs (retry sends a failed one again).
          const place = await this.placeDelivery(slots, schedule.timing, channel, categoryId, now);
          const moved = await repo.reschedule(
            [existing.id],
            place.at,
            now,
            [...REVIVABLE],
            place.queue !== undefined,
          );
          if (moved.length > 0 && place.queue?.held) await repo.holdForQueue(existing.id, now);
          else if (moved.length > 0) toEnqueue.push({ id: existing.id, dueAt: place.at, held: false });
        }
      }
      if (schedule?.timing.kind === 'queue') {
        const times = (await repo.deliveries([postId]))
          .filter((d) => d.state !== 'cancelled')
          .map((d) => ({ dueAt: d.dueAt }));
        if (times.length > 0) await repo.updatePost(postId, { scheduledAt: earliest(times) }, now);
      }
      if (!schedule) {
        // Unscheduled again (back to a draft): whatever waits is cancelled.
        await repo.cancelDeliveries(
          postId,
          current.deliveries
            .filter((d) => d.state === 'scheduled' || d.state === 'paused')
            .map((d) => d.channelId),
          now,
        );
      }
    });
    for (const d of toEnqueue) if (!d.held) await this.deps.engine.enqueue(d.id, d.dueAt);
    const after = await this.get(access, postId);
    await this.record(
      actor,
      access,
      current.post.kind === 'idea' && kind === 'post' ? 'idea.converted' : 'post.updated',
      postId,
      {
        scheduledAt: schedule?.timing.kind === 'fixed' ? schedule.timing.at.toISOString() : null,
        queued: schedule?.timing.kind === 'queue',
        changes: changesBetween(current, after),
      },
    );
    // After the edit is on record: the post goes back to its approvers, showing what changed.
    if (approval?.state === 'pending' && this.deps.approvals) {
      await this.deps.approvals.sendBack(access, actor, postId);
      return this.get(access, postId);
    }
    return after;
  }

  /**
   * Where an edit leaves the post's approval, when it changes what the post would send (its texts, channels,
   * options or media; not its time): a post pending or approved goes back to its approvers (pending again,
   * unapproved until they decide); one that needed no approval, or was waiting to be submitted, is judged
   * again by the editor's role and the new channels. Rejected and expired posts wait for their author to
   * submit them again. Undefined: nothing changes.
   */
  private async approvalAfterEdit(
    access: WorkspaceAccess,
    current: PostView,
    body: string,
    inputs: readonly ChannelInput[],
  ): Promise<{ state: 'pending' | 'required' | 'not_required'; approved: boolean } | undefined> {
    if (contentHash(current.post.body, liveVariants(current)) === contentHash(body, inputs)) return undefined;
    const state = current.post.approvalState;
    if (state === 'pending' || state === 'approved') return { state: 'pending', approved: false };
    if (state !== 'required' && state !== 'not_required') return undefined;
    const required = await this.approvalRequired(
      access,
      inputs.map((c) => c.channelId),
    );
    return required ? { state: 'required', approved: false } : { state: 'not_required', approved: true };
  }

  /** Deletes the post: nothing that has not started sending will be sent. */
  async remove(access: WorkspaceAccess, actor: Actor, postId: string): Promise<{ inFlight: number }> {
    await this.get(access, postId);
    const result = await this.deps.repo.deletePost(postId, this.deps.clock.now());
    await this.record(actor, access, 'post.deleted', postId, result);
    return { inFlight: result.inFlight };
  }

  async get(access: WorkspaceAccess, postId: string, withAttempts = false): Promise<PostView> {
    const post = await this.deps.repo.findPost(access.workspace.id, postId);
    if (!post) throw notFound('Post');
    const [variants, deliveries] = await Promise.all([
      this.deps.repo.variants([post.id]),
      this.deps.repo.deliveries([post.id]),
    ]);
    const view: PostView = { post, variants, deliveries, channels: await this.channelNames(access) };
    if (withAttempts) view.attempts = await this.deps.repo.attempts(deliveries.map((d) => d.id));
    return view;
  }

  async list(access: WorkspaceAccess, query: PostListQuery): Promise<PostView[]> {
    const posts = await this.deps.repo.listPosts(access.workspace.id, query);
    const ids = posts.map((p) => p.id);
    const [variants, deliveries] = await Promise.all([
      this.deps.repo.variants(ids),
      this.deps.repo.deliveries(ids),
    ]);
    const channels = await this.channelNames(access);
    return posts.map((post) => ({
      post,
      variants: variants.filter((v) => v.postId === post.id),
      deliveries: deliveries.filter((d) => d.postId === post.id),
      channels,
    }));
  }

  private async channelNames(access: WorkspaceAccess): Promise<PostView['channels']> {
    const list = await this.deps.channels.list(access);
    return Object.fromEntries(list.map((c) => [c.id, { name: c.name, network: c.network }]));
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
