import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { EgressPolicy } from '../../egress/safe-fetch.js';
import type { JobSender } from '../../jobs/queue.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { PostsService } from '../publishing/posts.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import type { Feed, FeedItem, FeedsRepository, FeedTarget } from './feeds.repository.js';
import type { FeedEntry, ParsedFeed } from './parse.js';
import { DEFAULT_TEMPLATE, renderFor, templateProblem } from './template.js';
import { checkFeedUrl, FEEDS_USER_AGENT, FeedProblem, fetchFeed, type Fetched } from './fetch.js';
import { backoffFrom, dedupe, itemRow, limitsOf, newestFirst, POLL_INTERVAL_MS } from './entries.js';

export { checkFeedUrl, FEEDS_USER_AGENT, MAX_FEED_BYTES } from './fetch.js';
export { backoffFrom, MAX_BACKOFF_MS, POLL_INTERVAL_MS } from './entries.js';

/** At most this many new items become posts in one poll; more at once are recorded as skipped. */
export const MAX_NEW_PER_POLL = 10;
export const MAX_FEEDS_PER_WORKSPACE = 100;
export const MAX_IMPORT_LATEST = 10;
/** While a poll job waits or runs, the scheduler leaves its feed alone this long. */
const POLL_LEASE_MS = 10 * 60_000;
const DUE_BATCH = 500;

export interface FeedInput {
  url: string;
  channelIds: string[];
  target: FeedTarget;
  template?: string | undefined;
  active?: boolean | undefined;
  /** Make posts of this many of the newest items now (0 by default: existing items are only recorded). */
  importLatest?: number | undefined;
}

export interface FeedPatch {
  channelIds?: string[] | undefined;
  target?: FeedTarget | undefined;
  template?: string | undefined;
  active?: boolean | undefined;
}

export interface PollOutcome {
  outcome: 'fetched' | 'not_modified' | 'failed' | 'skipped';
  /** Items seen for the first time in this poll. */
  newItems: number;
  posted: number;
  failed: number;
  skipped: number;
  error?: string;
}

export interface PreviewItem {
  title: string;
  link: string | null;
  publishedAt: Date | null;
  text: string | null;
  trimmed: boolean;
  problem: string | null;
}

/**
 * RSS 1.0, RSS 2.0 and Atom feeds that turn their new items into posts: drafts, or posts in the next free
 * slot of each channel's queue. See docs/feeds.md.
 */
export class FeedsService {
  constructor(
    private readonly deps: {
      feeds: FeedsRepository;
      posts: PostsService;
      channels: ChannelsService;
      /** The current access of a person to a workspace (a feed posts as the person who last saved it). */
      accessOf(userId: string, workspaceId: string): Promise<WorkspaceAccess | undefined>;
      /** Whether a channel has queue slots (a feed whose items go to the queue needs them). */
      hasQueue(channelId: string): Promise<boolean>;
      jobs: JobSender;
      audit: AuditService;
      clock: Clock;
      logger: Logger;
      egress: EgressPolicy;
    },
  ) {}

  list(access: WorkspaceAccess): Promise<Feed[]> {
    return this.deps.feeds.list(access.workspace.id);
  }

  async get(access: WorkspaceAccess, feedId: string): Promise<Feed> {
    const feed = await this.deps.feeds.find(access.workspace.id, feedId);
    if (!feed) throw notFound('Feed');
    return feed;
  }

  async items(access: WorkspaceAccess, feedId: string, limit: number): Promise<FeedItem[]> {
    const feed = await this.get(access, feedId);
    return this.deps.feeds.items(feed.id, limit);
  }

  /** Fetches the feed and shows what its newest items would become, without subscribing. */
  async preview(
    access: WorkspaceAccess,
    input: { url: string; template?: string | undefined; channelIds?: string[] | undefined },
  ): Promise<{ url: string; title: string; format: ParsedFeed['format']; items: PreviewItem[] }> {
    const url = checkFeedUrl(input.url);
    const template = this.checkTemplate(input.template);
    const channels = input.channelIds ? await this.channelsOf(access, input.channelIds) : [];
    const fetched = await this.fetchForPerson(url);
    const limits = limitsOf(channels);
    return {
      url: fetched.url,
      title: fetched.feed.title,
      format: fetched.feed.format,
      items: newestFirst(fetched.feed.entries)
        .slice(0, 3)
        .map((entry) => {
          const r = renderFor(template, entry, fetched.feed.title, limits);
          return {
            title: entry.title,
            link: entry.link,
            publishedAt: entry.publishedAt,
            text: r.ok ? r.text : null,
            trimmed: r.ok && r.trimmed,
            problem: r.ok ? null : r.problem,
          };
        }),
    };
  }

  /**
   * Subscribes the workspace to a feed. The feed is fetched once and refused unless it is RSS or Atom; the
   * items it shows now are recorded as seen, so only items published from now on become posts, apart from
   * the `importLatest` newest, which become posts at once.
   */
  async create(
    access: WorkspaceAccess,
    actor: Actor,
    input: FeedInput,
  ): Promise<{ feed: Feed; imported: PollOutcome }> {
    const url = checkFeedUrl(input.url);
    const template = this.checkTemplate(input.template);
    const channels = await this.channelsOf(access, input.channelIds);
    if (input.target === 'queue') await this.requireQueues(channels, true);
    const importLatest = input.importLatest ?? 0;
    if (importLatest < 0 || importLatest > MAX_IMPORT_LATEST)
      throw invalid(`importLatest must be between 0 and ${MAX_IMPORT_LATEST}.`, { field: 'importLatest' });
    if ((await this.deps.feeds.count(access.workspace.id)) >= MAX_FEEDS_PER_WORKSPACE)
      throw conflict(
        `A workspace can subscribe to at most ${MAX_FEEDS_PER_WORKSPACE} feeds. Delete one you no longer use.`,
      );
    if ((await this.deps.feeds.list(access.workspace.id)).some((f) => f.url === url))
      throw conflict(`This workspace already subscribes to ${url}. Edit that feed instead.`);
    const fetched = await this.fetchForPerson(url);
    const now = this.deps.clock.now();
    const active = input.active ?? true;
    const feed = await this.deps.feeds.insert({
      id: newId(),
      workspaceId: access.workspace.id,
      url,
      title: fetched.feed.title,
      siteUrl: fetched.feed.siteUrl,
      format: fetched.feed.format,
      channelIds: channels.map((c) => c.id),
      target: input.target,
      template,
      active,
      ownerId: actor.userId,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      nextPollAt: new Date(now.getTime() + POLL_INTERVAL_MS),
      now,
    });
    if (!feed) throw conflict(`This workspace already subscribes to ${url}. Edit that feed instead.`);
    const entries = newestFirst(fetched.feed.entries);
    const toImport = entries.slice(0, importLatest);
    await this.deps.feeds.claim(
      feed.id,
      dedupe(entries.slice(importLatest)).map((e) => itemRow(e, 'seen')),
      now,
    );
    let imported: PollOutcome = { outcome: 'skipped', newItems: 0, posted: 0, failed: 0, skipped: 0 };
    if (toImport.length > 0) {
      const result = await this.makePosts(access, actor, feed, fetched.feed.title, toImport, channels);
      imported = { outcome: 'fetched', ...result };
      if (result.itemError)
        await this.deps.feeds.recordSuccess(feed.id, {
          now,
          nextPollAt: feed.nextPollAt,
          itemError: result.itemError,
        });
    }
    await this.record(actor, access, 'feed.created', feed, {
      target: feed.target,
      channels: feed.channelIds.length,
      active,
      imported: imported.posted,
    });
    return { feed: await this.get(access, feed.id), imported };
  }

  /** Changes a feed; whoever saves it becomes the person it posts as. */
  async update(access: WorkspaceAccess, actor: Actor, feedId: string, patch: FeedPatch): Promise<Feed> {
    const current = await this.get(access, feedId);
    const now = this.deps.clock.now();
    const target = patch.target ?? current.target;
    if (target === 'queue' && (patch.target !== undefined || patch.channelIds !== undefined)) {
      const list = await this.deps.channels.list(access);
      const ids = patch.channelIds ?? current.channelIds;
      await this.requireQueues(
        list.filter((c) => ids.includes(c.id)),
        true,
      );
    }
    const changes = {
      ...(patch.channelIds !== undefined
        ? { channelIds: (await this.channelsOf(access, patch.channelIds)).map((c) => c.id) }
        : {}),
      ...(patch.target !== undefined ? { target: patch.target } : {}),
      ...(patch.template !== undefined ? { template: this.checkTemplate(patch.template) } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      // Resumed: polled at the scheduler's next run.
      ...(patch.active === true && !current.active ? { nextPollAt: now } : {}),
      ...(actor.userId ? { ownerId: actor.userId } : {}),
    };
    const updated = await this.deps.feeds.update(access.workspace.id, feedId, changes, now);
    if (!updated) throw notFound('Feed');
    await this.record(actor, access, 'feed.updated', updated, {
      changed: Object.keys(patch).filter((k) => patch[k as keyof FeedPatch] !== undefined),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    });
    return updated;
  }

  /** Deletes the feed and its item history; the posts it made stay. */
  async remove(access: WorkspaceAccess, actor: Actor, feedId: string): Promise<void> {
    const feed = await this.deps.feeds.remove(access.workspace.id, feedId);
    if (!feed) throw notFound('Feed');
    await this.record(actor, access, 'feed.deleted', feed);
  }

  /** Polls the feed now (the "poll now" button); a paused feed is not polled. */
  async pollNow(access: WorkspaceAccess, feedId: string): Promise<{ feed: Feed; outcome: PollOutcome }> {
    const feed = await this.get(access, feedId);
    if (!feed.active) throw conflict('This feed is paused. Resume it, then poll it.');
    const outcome = await this.poll(feed.id, { manual: true });
    return { feed: await this.get(access, feedId), outcome };
  }

  /** The scheduler job: queues a poll job for every active feed that is due. */
  async queueDue(): Promise<{ queued: number }> {
    const ids = await this.deps.feeds.takeDue(this.deps.clock.now(), POLL_LEASE_MS, DUE_BATCH);
    let queued = 0;
    for (const feedId of ids) {
      try {
        await this.deps.jobs.send('feeds.poll.v1', { feedId });
        queued++;
      } catch (error) {
        // The lease runs out and the next run queues it again.
        this.deps.logger.warn({ err: (error as Error).message, feedId }, 'could not queue a feed poll');
      }
    }
    return { queued };
  }

  /**
   * One poll (the job, or "poll now"): a conditional GET, then a post for each item not seen before. Safe to
   * run twice at once: each item is recorded before its post is made, under a unique (feed, item key), and
   * only the poll that recorded it makes the post. Never throws for the feed's own problems: they are
   * recorded on the feed, which is polled again after a backoff.
   */
  async poll(feedId: string, options: { manual?: boolean } = {}): Promise<PollOutcome> {
    const feed = await this.deps.feeds.byId(feedId);
    const none = { newItems: 0, posted: 0, failed: 0, skipped: 0 };
    if (!feed) return { outcome: 'skipped', ...none, error: 'The feed no longer exists.' };
    if (!feed.active && !options.manual) return { outcome: 'skipped', ...none, error: 'The feed is paused.' };
    const fail = async (error: string): Promise<PollOutcome> => {
      const now = this.deps.clock.now();
      const failures = await this.deps.feeds.recordFailure(feed.id, error, now, (n) => backoffFrom(now, n));
      this.deps.logger.info({ feedId: feed.id, failures }, 'feed poll failed');
      return { outcome: 'failed', ...none, error };
    };
    const actor: Actor = { userId: feed.ownerId, tokenId: null, ip: null, userAgent: FEEDS_USER_AGENT };
    const access = feed.ownerId ? await this.deps.accessOf(feed.ownerId, feed.workspaceId) : undefined;
    if (!access || !access.permissions.includes('posts.write')) {
      return fail(
        'The person this feed posts as can no longer write posts in this workspace. Open the feed and save it: from then on it posts as you.',
      );
    }
    const all = await this.deps.channels.list(access);
    const channels = all.filter((c) => feed.channelIds.includes(c.id));
    if (channels.length === 0) {
      return fail(
        'None of the feed’s channels is connected to this workspace any more. Edit the feed and choose channels.',
      );
    }
    // Checked before anything is fetched: the items wait in the feed (not recorded) until this is fixed.
    const disconnected = channels.filter((c) => c.status === 'disconnected');
    if (disconnected.length > 0) {
      return fail(
        `${disconnected.map((c) => c.name).join(', ')} ${disconnected.length > 1 ? 'are' : 'is'} disconnected: reconnect ${disconnected.length > 1 ? 'them' : 'it'} in Settings → Channels, or edit the feed to leave ${disconnected.length > 1 ? 'them' : 'it'} out. New items wait until then.`,
      );
    }
    if (feed.target === 'queue') {
      const problem = await this.requireQueues(channels, false);
      if (problem) return fail(problem);
    }
    let fetched: Fetched;
    try {
      fetched = await fetchFeed(
        feed.url,
        { etag: feed.etag, lastModified: feed.lastModified },
        this.deps.egress,
      );
    } catch (error) {
      if (error instanceof FeedProblem) return fail(error.message);
      throw error;
    }
    const now = this.deps.clock.now();
    const nextPollAt = new Date(now.getTime() + POLL_INTERVAL_MS);
    if (fetched.status === 'not_modified') {
      await this.deps.feeds.recordSuccess(feed.id, { now, nextPollAt, itemError: null });
      return { outcome: 'not_modified', ...none };
    }
    const result = await this.makePosts(
      access,
      actor,
      feed,
      fetched.feed.title,
      fetched.feed.entries,
      channels,
    );
    // Validators are kept only now: a poll cut short before this point fetches everything again, and the
    // items it had recorded are not posted twice.
    await this.deps.feeds.recordSuccess(feed.id, {
      now: this.deps.clock.now(),
      nextPollAt,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      title: fetched.feed.title,
      siteUrl: fetched.feed.siteUrl,
      format: fetched.feed.format,
      itemError: result.itemError,
    });
    const { itemError, ...counts } = result;
    return { outcome: 'fetched', ...counts, ...(itemError ? { error: itemError } : {}) };
  }

  /**
   * Records the entries not seen before and makes a post of each this call recorded, oldest first. Beyond
   * `MAX_NEW_PER_POLL` new entries, the older ones are recorded as skipped (a feed that changed all its ids
   * would otherwise post its whole history).
   */
  private async makePosts(
    access: WorkspaceAccess,
    actor: Actor,
    feed: Feed,
    feedTitle: string,
    entries: FeedEntry[],
    channels: Channel[],
  ): Promise<{
    newItems: number;
    posted: number;
    failed: number;
    skipped: number;
    itemError: string | null;
  }> {
    const unique = dedupe(newestFirst(entries));
    const known = await this.deps.feeds.knownKeys(
      feed.id,
      unique.map((e) => e.key),
    );
    const fresh = unique.filter((e) => !known.has(e.key));
    const now = this.deps.clock.now();
    const toPost = fresh.slice(0, MAX_NEW_PER_POLL).reverse();
    const tooMany = fresh.slice(MAX_NEW_PER_POLL);
    const skipped = await this.deps.feeds.claim(
      feed.id,
      tooMany.map((e) =>
        itemRow(
          e,
          'skipped',
          `More than ${MAX_NEW_PER_POLL} new items appeared at once; only the ${MAX_NEW_PER_POLL} newest became posts.`,
        ),
      ),
      now,
    );
    const claimed = await this.deps.feeds.claim(
      feed.id,
      toPost.map((e) => itemRow(e, 'pending')),
      now,
    );
    const limits = limitsOf(channels);
    let posted = 0;
    let failed = 0;
    let itemError: string | null = null;
    for (const entry of toPost) {
      const itemId = claimed.get(entry.key);
      if (!itemId) continue; // another poll recorded it first and makes its post
      try {
        const rendered = renderFor(feed.template, entry, feedTitle, limits);
        if (!rendered.ok) throw invalid(rendered.problem);
        const view = await this.deps.posts.create(access, actor, {
          body: rendered.text,
          channels: channels.map((c) => ({ channelId: c.id })),
          // Each channel's next free queue slot; without a schedule the post is a draft.
          ...(feed.target === 'queue' ? { schedule: { queue: true } } : {}),
          title: entry.title.slice(0, 300) || null,
          notes: `From the feed ${feedTitle || feed.url}${entry.link ? `: ${entry.link}` : ''}`.slice(
            0,
            20_000,
          ),
        });
        await this.deps.feeds.settleItem(itemId, { status: 'posted', postId: view.post.id });
        posted++;
      } catch (error) {
        if (!(error instanceof AppError))
          this.deps.logger.error({ err: (error as Error).message }, 'feed item failed');
        const message = error instanceof AppError ? error.message : 'An internal error stopped this item.';
        await this.deps.feeds.settleItem(itemId, { status: 'failed', error: message });
        itemError ??= `“${entry.title || entry.link || entry.key}” could not become a post: ${message}`;
        failed++;
      }
    }
    return { newItems: claimed.size + skipped.size, posted, failed, skipped: skipped.size, itemError };
  }

  /**
   * A feed whose items go to the queue needs every channel to have queue slots. For a person at a form
   * (`throwIt`) that is an error on `target`; for a poll, the problem to record (items wait meanwhile).
   */
  private async requireQueues(channels: Channel[], throwIt: boolean): Promise<string | undefined> {
    const missing: string[] = [];
    for (const c of channels) if (!(await this.deps.hasQueue(c.id))) missing.push(c.name);
    if (missing.length === 0) return undefined;
    const problem = `${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no queue yet: set up time slots in Queues, or let the feed make drafts. New items wait until then.`;
    if (throwIt) throw invalid(problem, { field: 'target' });
    return problem;
  }

  private checkTemplate(input: string | undefined): string {
    const template = input ?? DEFAULT_TEMPLATE;
    const problem = templateProblem(template);
    if (problem) throw invalid(problem, { field: 'template' });
    return template;
  }

  private async channelsOf(access: WorkspaceAccess, ids: string[]): Promise<Channel[]> {
    if (ids.length === 0) throw invalid('Choose at least one channel to post to.', { field: 'channelIds' });
    const list = await this.deps.channels.list(access);
    const unknown = ids.filter((id) => !list.some((c) => c.id === id));
    if (unknown.length > 0)
      throw invalid(
        `Not a channel of this workspace: ${unknown.join(', ')}. Choose channels it has connected.`,
        {
          field: 'channelIds',
          unknown,
        },
      );
    return list.filter((c) => ids.includes(c.id));
  }

  /** Fetches for a person at a form: problems are invalid-request errors on the url field. */
  private async fetchForPerson(url: string): Promise<Extract<Fetched, { status: 'ok' }>> {
    try {
      return (await fetchFeed(url, {}, this.deps.egress)) as Extract<Fetched, { status: 'ok' }>;
    } catch (error) {
      if (error instanceof FeedProblem) throw invalid(error.message, { field: 'url' });
      throw error;
    }
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    feed: Feed,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    return this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      action,
      { type: 'feed', id: feed.id },
      {
        host: new URL(feed.url).host,
        ...data,
      },
    );
  }
}
