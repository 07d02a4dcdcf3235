import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { toInstant } from '../../core/wallclock.js';
import { validatePost } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { recordPublishing } from './audit.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { DeliveryEngine } from './delivery-engine.js';
import type { Delivery, DeliveryState, Post, PostKind } from './publishing.rows.js';
import type { DeliveriesRepository } from './deliveries.repository.js';
import type { PlanningFields, PostListQuery, PostsRepository } from './posts.repository.js';
import { keepLinks, linksIn, replaceLinks, type LinkShortener } from './links.js';
import { countTokens, type TokenKind } from './text-tokens.js';
import { changesBetween } from './post-changes.js';
import { contentHash, liveVariants } from './post-content.js';
import {
  type ApprovalGate,
  normalizeTags,
  type ChannelCheck,
  type ChannelInput,
  type PostCheck,
  type PostInput,
  type PostMedia,
  type PostView,
  type ScheduleInput,
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

/** A stand-in for a media item when only its presence matters. */
const NO_BYTES = { mimeType: '', bytes: new Uint8Array(0) };

const earliest = (list: readonly { dueAt: Date }[]): Date =>
  new Date(Math.min(...list.map((d) => d.dueAt.getTime())));

/** How many of the newest posts hashtag and mention suggestions are drawn from. */
const RECENT_POSTS = 300;

/** Deliveries an edit may move to a new time: waiting ones, and ones an earlier edit cancelled. */
const REVIVABLE = new Set<DeliveryState>(['scheduled', 'paused', 'cancelled']);

/** Where a new delivery's time comes from. */
type Timing = { kind: 'fixed'; at: Date } | { kind: 'queue' };

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
  ) {}

  /** Whether the caller's post to these channels must be approved before it publishes. */
  private approvalRequired(access: WorkspaceAccess, channelIds: readonly string[]): Promise<boolean> {
    if (this.deps.approvals) return this.deps.approvals.required(access, channelIds);
    return Promise.resolve(!access.permissions.includes('posts.publish'));
  }

  /** The configured link shortener (the default keeps links as written). */
  get linkShortener(): LinkShortener {
    return this.deps.links ?? keepLinks;
  }

  /** A fixed time (with the wall-clock time and zone it was chosen in, if it was), or the queue. */
  private resolveSchedule(
    access: WorkspaceAccess,
    schedule: ScheduleInput,
  ): { timing: Timing; local: string | null; zone: string | null } {
    const now = this.deps.clock.now();
    if ('queue' in schedule) return { timing: { kind: 'queue' }, local: null, zone: null };
    if ('local' in schedule) {
      const zone = schedule.timeZone ?? access.workspace.timezone;
      let instant: Date;
      try {
        instant = toInstant(schedule.local, zone).instant;
      } catch (error) {
        throw invalid(`schedule: ${(error as Error).message}`);
      }
      return { timing: { kind: 'fixed', at: instant }, local: schedule.local, zone };
    }
    if (schedule.at === 'now') return { timing: { kind: 'fixed', at: now }, local: null, zone: null };
    const at = new Date(schedule.at);
    if (Number.isNaN(at.getTime())) {
      throw invalid(
        `schedule.at "${schedule.at}" is not an instant: use "now" or an ISO 8601 time with its offset, such as 2027-03-28T09:30:00+02:00.`,
      );
    }
    return { timing: { kind: 'fixed', at }, local: null, zone: null };
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

  /**
   * Every check saving a post runs, per channel: the channel belongs to the workspace and is connected,
   * and its text, thread and options pass its network's checks (`validatePost`, counted the network's
   * way). The composer calls this through `POST …/posts/validate`; create and update refuse what it finds.
   */
  private async evaluate(
    access: WorkspaceAccess,
    body: string,
    inputs: ChannelInput[],
  ): Promise<{ channels: Map<string, Channel>; checks: ChannelCheck[] }> {
    const found = new Map<string, Channel>();
    const checks: ChannelCheck[] = [];
    const all = new Map((await this.deps.channels.list(access)).map((c) => [c.id, c]));
    const seen = new Set<string>();
    for (const input of inputs) {
      const channel = all.get(input.channelId);
      const check: ChannelCheck = {
        channelId: input.channelId,
        channelName: channel?.name ?? null,
        network: channel?.network ?? null,
        text: null,
        thread: [],
        issues: [],
      };
      checks.push(check);
      const refuse = (message: string) => check.issues.push({ field: 'channel', message });
      if (seen.has(input.channelId)) refuse(`Channel ${input.channelId} is listed twice.`);
      seen.add(input.channelId);
      if (!channel) {
        refuse(`Channel ${input.channelId} is not a channel of this workspace.`);
        continue;
      }
      if (channel.status === 'disconnected')
        refuse(`${channel.name} is disconnected: reconnect it in Settings → Channels, or leave it out.`);
      found.set(channel.id, channel);
      if (!isNetworkId(channel.network)) continue;
      const definition = networkDefinition(channel.network);
      const text = input.body ?? body;
      const count = definition.limits.text.count;
      check.text = { count: count(text), max: definition.limits.text.max, unit: definition.limits.text.unit };
      check.thread = (input.thread ?? []).map((part) => ({ count: count(part) }));
      check.issues.push(
        ...validatePost(definition, {
          text,
          ...(input.thread ? { thread: input.thread } : {}),
          ...(input.options ? { options: input.options } : {}),
          // Media counts as content here; the media library checks it against the network (checkMedia).
          ...(input.media?.length ? { media: input.media.map(() => NO_BYTES) } : {}),
        }).filter((i) => i.field !== 'media'),
      );
    }
    return { channels: found, checks };
  }

  /**
   * Refuses a post any check found a problem with; the message names each channel and the fix. An idea
   * is not held to the networks' limits (it is not going out yet), only to channels it may name.
   */
  private refuseProblems(checks: ChannelCheck[], kind: PostKind): void {
    const placement = checks.flatMap((c) => c.issues.filter((i) => i.field === 'channel'));
    if (placement.length > 0) throw invalid(placement.map((i) => i.message).join(' '));
    if (kind === 'idea') return;
    const issues = checks.flatMap((c) =>
      c.issues.map((i) => ({ channelId: c.channelId, channel: c.channelName ?? c.channelId, ...i })),
    );
    if (issues.length > 0) {
      throw invalid(
        `The post does not fit ${[...new Set(issues.map((i) => i.channel))].join(', ')}: ${issues
          .map((i) => `${i.channel}: ${i.message}`)
          .join(' ')}`,
        { issues },
      );
    }
  }

  /** Every asset must be in the workspace's library; a scheduled post's must fit each network too. */
  private async checkMedia(
    access: WorkspaceAccess,
    inputs: ChannelInput[],
    channels: Map<string, Channel>,
    scheduled: boolean,
  ): Promise<void> {
    if (!inputs.some((c) => (c.media?.length ?? 0) > 0)) return;
    if (!this.deps.media) throw invalid('This Chorus has no media library; remove the media.');
    await this.deps.media.assertUsable(
      access,
      inputs.map((c) => ({ channel: channels.get(c.channelId)!, media: c.media ?? [] })),
      scheduled,
    );
  }

  /**
   * What saving this post would refuse, per channel and for the whole post, without saving anything. For
   * an idea, the networks' limits are reported but do not make it fail (saving an idea does not check them).
   */
  async check(access: WorkspaceAccess, input: PostInput): Promise<PostCheck> {
    const kind = input.kind ?? 'post';
    const issues: PostCheck['issues'] = [];
    if (kind === 'post' && input.channels.length === 0)
      issues.push({ field: 'channels', message: 'Choose at least one channel to publish to.' });
    const { channels, checks } = await this.evaluate(access, input.body, input.channels);
    if (input.schedule && kind === 'idea') {
      issues.push({
        field: 'schedule',
        message: 'An idea has no time: save it, then turn it into a post (kind "post") to schedule it.',
      });
    } else if (input.schedule) {
      try {
        this.resolveSchedule(access, input.schedule);
      } catch (error) {
        issues.push({ field: 'schedule', message: (error as Error).message });
      }
    }
    // Media: every asset must be in the library; it must fit the networks once the post is scheduled.
    const scheduled = kind === 'post' && !!input.schedule;
    const withMedia = input.channels.filter((c) => (c.media?.length ?? 0) > 0 && channels.has(c.channelId));
    const mediaBlocks = new Set<string>();
    if (withMedia.length > 0) {
      const at = (channelId: string) => checks.find((c) => c.channelId === channelId)!;
      if (!this.deps.media) {
        for (const c of withMedia) {
          at(c.channelId).issues.push({
            field: 'media',
            message: 'This Chorus has no media library; remove the media.',
          });
          mediaBlocks.add(c.channelId);
        }
      } else {
        for (const c of withMedia) {
          const variant = [{ channel: channels.get(c.channelId)!, media: c.media ?? [] }];
          try {
            for (const found of await this.deps.media.issues(access, variant)) {
              for (const issue of found.issues) {
                at(c.channelId).issues.push({
                  field: 'media',
                  message: issue.message,
                  ...(issue.index !== null ? { item: issue.index } : {}),
                });
                if (scheduled) mediaBlocks.add(c.channelId);
              }
            }
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            at(c.channelId).issues.push({ field: 'media', message: error.message });
            mediaBlocks.add(c.channelId);
          }
        }
      }
    }
    const blocking = (c: ChannelCheck) =>
      mediaBlocks.has(c.channelId) ||
      c.issues.some((i) => i.field !== 'media' && (kind === 'post' || i.field === 'channel'));
    return { ok: issues.length === 0 && !checks.some(blocking), channels: checks, issues };
  }

  /** The post's texts with their links replaced by the link shortener, when asked for. */
  private async shorten(
    access: WorkspaceAccess,
    postId: string,
    input: { body: string; channels: ChannelInput[] },
  ): Promise<{ body: string; channels: ChannelInput[] }> {
    const texts = [input.body, ...input.channels.flatMap((c) => [c.body ?? '', ...(c.thread ?? [])])];
    const links = linksIn(texts);
    if (links.length === 0) return input;
    const map = await this.linkShortener.shorten(links, { workspaceId: access.workspace.id, postId });
    const swap = (text: string) => replaceLinks(text, map);
    return {
      body: swap(input.body),
      channels: input.channels.map((c) => ({
        ...c,
        ...(c.body !== undefined ? { body: swap(c.body) } : {}),
        ...(c.thread ? { thread: c.thread.map(swap) } : {}),
      })),
    };
  }

  /**
   * The hashtags (`#spring`) or mentions (`@ana.bsky.social`) the workspace used in its most recent posts,
   * most used first, that start with `prefix`: what the composer suggests while typing.
   */
  async recentTokens(
    access: WorkspaceAccess,
    kind: TokenKind,
    prefix: string,
    limit: number,
  ): Promise<{ value: string; uses: number }[]> {
    const posts = await this.deps.repo.listPosts(access.workspace.id, { limit: RECENT_POSTS });
    const variants = await this.deps.repo.variants(posts.map((p) => p.id));
    const texts = [...posts.map((p) => p.body), ...variants.flatMap((v) => [v.body ?? '', ...v.thread])];
    return countTokens(kind, texts, prefix).slice(0, limit);
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
    if (input.shortenLinks) input = { ...input, ...(await this.shorten(access, postId, input)) };
    const { channels, checks } = await this.evaluate(access, input.body, input.channels);
    this.refuseProblems(checks, kind);
    const planning = await this.planning(access, input);
    const schedule = input.schedule ? this.resolveSchedule(access, input.schedule) : null;
    await this.checkMedia(access, input.channels, channels, schedule !== null);
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
      ({ body, channels: inputs } = await this.shorten(access, postId, { body, channels: inputs }));
    const { channels, checks } = await this.evaluate(access, body, inputs);
    this.refuseProblems(checks, kind);
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
          : this.resolveSchedule(access, input.schedule);
    await this.checkMedia(access, inputs, channels, schedule !== null);
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
    if (approval?.state === 'pending' && this.deps.approvals) {
      await this.deps.approvals.sendBack(access, actor, postId);
    }
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

  /**
   * Moves one delivery to a new time a person chose (the calendar's drag and drop): only while it waits,
   * never once it is sending or sent. The time is pinned: recalculating the queue leaves it.
   */
  async rescheduleDelivery(
    access: WorkspaceAccess,
    actor: Actor,
    deliveryId: string,
    schedule: Exclude<ScheduleInput, { queue: true }>,
  ): Promise<Delivery> {
    const delivery = await this.deps.repo.workspaceDelivery(access.workspace.id, deliveryId);
    if (!delivery) throw notFound('Delivery');
    if (!REVIVABLE.has(delivery.state) || delivery.state === 'cancelled') {
      throw conflict(
        `This delivery is ${delivery.state}: only scheduled or paused deliveries can move. ${
          delivery.state === 'failed' ? 'Use "retry" to send a failed one again.' : ''
        }`.trim(),
      );
    }
    const { timing } = this.resolveSchedule(access, schedule);
    if (timing.kind !== 'fixed') throw invalid('Choose a time to move the delivery to.');
    const now = this.deps.clock.now();
    if (timing.at.getTime() < now.getTime() - 60_000) {
      throw invalid(`${timing.at.toISOString()} is in the past: choose a later time, or "now".`);
    }
    const moved = await this.deps.repo.reschedule(
      [delivery.id],
      timing.at,
      now,
      ['scheduled', 'paused'],
      false,
    );
    if (moved.length === 0)
      throw conflict('The delivery changed meanwhile (it may be sending); reload and try again.');
    await this.deps.engine.enqueue(delivery.id, timing.at);
    await this.record(actor, access, 'delivery.rescheduled', delivery.postId, {
      deliveryId,
      from: delivery.dueAt.toISOString(),
      to: timing.at.toISOString(),
    });
    return (await this.deps.deliveries.delivery(delivery.id))!;
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

  /** Re-sends only what did not publish: failed deliveries go out again now. */
  async retry(access: WorkspaceAccess, actor: Actor, postId: string): Promise<PostView> {
    const view = await this.get(access, postId);
    const failed = view.deliveries.filter((d) => d.state === 'failed').map((d) => d.id);
    if (failed.length === 0) {
      throw conflict('Nothing to retry: no delivery of this post failed.');
    }
    const now = this.deps.clock.now();
    const moved = await this.deps.repo.reschedule(failed, now, now, ['failed']);
    for (const id of moved) await this.deps.engine.enqueue(id, now);
    await this.record(actor, access, 'post.retried', postId, { deliveries: moved.length });
    return this.get(access, postId);
  }

  /**
   * A person settles an unconfirmed delivery after checking the channel: it was published (optionally
   * with its address), or it was not and should be sent again.
   */
  async resolve(
    access: WorkspaceAccess,
    actor: Actor,
    deliveryId: string,
    decision: { as: 'published'; url?: string | undefined } | { as: 'send_again' },
  ): Promise<Delivery> {
    const delivery = await this.deps.repo.workspaceDelivery(access.workspace.id, deliveryId);
    if (!delivery) throw notFound('Delivery');
    if (delivery.state !== 'unconfirmed') {
      throw conflict(`This delivery is ${delivery.state}, not unconfirmed: there is nothing to settle.`);
    }
    const now = this.deps.clock.now();
    const attemptId = await this.deps.deliveries.addSettlement(
      deliveryId,
      newId(),
      decision.as === 'published' ? 'a person confirmed it was published' : 'a person asked to send it again',
      now,
    );
    const done =
      decision.as === 'published'
        ? await this.deps.deliveries.finish(
            { deliveryId, attemptId },
            {
              state: 'published',
              attemptOutcome: 'reconciled_published',
              now,
              reason: 'Marked as published by a person who checked the channel.',
              remoteUrl: decision.url ?? null,
              publishedAt: delivery.firstSentAt ?? now,
            },
            'unconfirmed',
          )
        : await this.deps.deliveries.finish(
            { deliveryId, attemptId },
            {
              state: 'scheduled',
              attemptOutcome: 'reconciled_absent',
              now,
              reason: 'Sent again by a person who checked the channel.',
            },
            'unconfirmed',
          );
    if (!done) throw conflict('The delivery changed meanwhile; reload and try again.');
    if (decision.as === 'send_again') await this.deps.engine.enqueue(deliveryId, now);
    await this.record(actor, access, 'delivery.resolved', delivery.postId, { deliveryId, as: decision.as });
    return (await this.deps.deliveries.delivery(deliveryId))!;
  }

  /** Deliveries that need a person: failed, unconfirmed and paused ones, with their posts. */
  async attention(access: WorkspaceAccess): Promise<{ deliveries: Delivery[]; posts: Post[] }> {
    const deliveries = await this.deps.repo.attention(
      access.workspace.id,
      ['failed', 'unconfirmed', 'paused'],
      500,
    );
    const posts: Post[] = [];
    for (const id of new Set(deliveries.map((d) => d.postId))) {
      const post = await this.deps.repo.findPost(access.workspace.id, id);
      if (post) posts.push(post);
    }
    return { deliveries: deliveries.filter((d) => posts.some((p) => p.id === d.postId)), posts };
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
