import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { FeedFormat } from './parse.js';

export type FeedTarget = 'draft' | 'queue';
export type FeedItemStatus = 'seen' | 'pending' | 'posted' | 'failed' | 'skipped';

export interface Feed {
  id: string;
  workspaceId: string;
  url: string;
  title: string;
  siteUrl: string | null;
  format: FeedFormat;
  channelIds: string[];
  target: FeedTarget;
  template: string;
  active: boolean;
  ownerId: string | null;
  etag: string | null;
  lastModified: string | null;
  lastPolledAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  failureCount: number;
  nextPollAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface FeedItem {
  id: string;
  feedId: string;
  key: string;
  title: string;
  link: string | null;
  publishedAt: Date | null;
  status: FeedItemStatus;
  postId: string | null;
  /** Whether the post it became still exists (it may have been deleted since). */
  postExists: boolean;
  error: string | null;
  createdAt: Date;
}

const FEED_COLUMNS = [
  'id',
  'workspace_id',
  'url',
  'title',
  'site_url',
  'format',
  'channel_ids',
  'target',
  'template',
  'active',
  'owner_id',
  'etag',
  'last_modified',
  'last_polled_at',
  'last_success_at',
  'last_error',
  'failure_count',
  'next_poll_at',
  'created_at',
  'updated_at',
] as const;

type FeedRow = {
  id: string;
  workspace_id: string;
  url: string;
  title: string;
  site_url: string | null;
  format: FeedFormat;
  channel_ids: string[];
  target: FeedTarget;
  template: string;
  active: boolean;
  owner_id: string | null;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  failure_count: number;
  next_poll_at: Date;
  created_at: Date;
  updated_at: Date;
};

const toFeed = (r: FeedRow): Feed => ({
  id: r.id,
  workspaceId: r.workspace_id,
  url: r.url,
  title: r.title,
  siteUrl: r.site_url,
  format: r.format,
  channelIds: r.channel_ids,
  target: r.target,
  template: r.template,
  active: r.active,
  ownerId: r.owner_id,
  etag: r.etag,
  lastModified: r.last_modified,
  lastPolledAt: r.last_polled_at,
  lastSuccessAt: r.last_success_at,
  lastError: r.last_error,
  failureCount: r.failure_count,
  nextPollAt: r.next_poll_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Feeds and the items they have shown. */
export class FeedsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(f: {
    id: string;
    workspaceId: string;
    url: string;
    title: string;
    siteUrl: string | null;
    format: FeedFormat;
    channelIds: string[];
    target: FeedTarget;
    template: string;
    active: boolean;
    ownerId: string | null;
    etag: string | null;
    lastModified: string | null;
    nextPollAt: Date;
    now: Date;
  }): Promise<Feed | undefined> {
    const row = await this.db
      .insertInto('feeds')
      .values({
        id: f.id,
        workspace_id: f.workspaceId,
        url: f.url,
        title: f.title,
        site_url: f.siteUrl,
        format: f.format,
        channel_ids: f.channelIds,
        target: f.target,
        template: f.template,
        active: f.active,
        owner_id: f.ownerId,
        etag: f.etag,
        last_modified: f.lastModified,
        last_polled_at: f.now,
        last_success_at: f.now,
        next_poll_at: f.nextPollAt,
        created_by: f.ownerId,
        created_at: f.now,
        updated_at: f.now,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'url']).doNothing())
      .returning(FEED_COLUMNS)
      .executeTakeFirst();
    return row && toFeed(row);
  }

  async list(workspaceId: string): Promise<Feed[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .select(FEED_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toFeed);
  }

  async count(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('feeds')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async find(workspaceId: string, id: string): Promise<Feed | undefined> {
    const row = await this.db
      .selectFrom('feeds')
      .select(FEED_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toFeed(row);
  }

  /** For the poll job, which has only the feed's id. */
  async byId(id: string): Promise<Feed | undefined> {
    const row = await this.db
      .selectFrom('feeds')
      .select(FEED_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toFeed(row);
  }

  async update(
    workspaceId: string,
    id: string,
    patch: {
      channelIds?: string[];
      target?: FeedTarget;
      template?: string;
      active?: boolean;
      ownerId?: string | null;
      nextPollAt?: Date;
    },
    now: Date,
  ): Promise<Feed | undefined> {
    const row = await this.db
      .updateTable('feeds')
      .set({
        ...(patch.channelIds !== undefined ? { channel_ids: patch.channelIds } : {}),
        ...(patch.target !== undefined ? { target: patch.target } : {}),
        ...(patch.template !== undefined ? { template: patch.template } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
        ...(patch.nextPollAt !== undefined ? { next_poll_at: patch.nextPollAt } : {}),
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning(FEED_COLUMNS)
      .executeTakeFirst();
    return row && toFeed(row);
  }

  async remove(workspaceId: string, id: string): Promise<Feed | undefined> {
    const row = await this.db
      .deleteFrom('feeds')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning(FEED_COLUMNS)
      .executeTakeFirst();
    return row && toFeed(row);
  }

  /**
   * Active feeds due for a poll, each taken by moving its next poll `leaseMs` ahead (one conditional
   * update), so the next run of the scheduler does not queue it again while its poll is waiting or running.
   */
  async takeDue(now: Date, leaseMs: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('feeds')
      .set({ next_poll_at: new Date(now.getTime() + leaseMs) })
      .where(
        'id',
        'in',
        this.db
          .selectFrom('feeds')
          .select('id')
          .where('active', '=', true)
          .where('next_poll_at', '<=', now)
          .orderBy('next_poll_at')
          .limit(limit),
      )
      .where('next_poll_at', '<=', now)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** A poll that reached the feed: validators kept, errors cleared unless the items reported one. */
  async recordSuccess(
    id: string,
    s: {
      now: Date;
      nextPollAt: Date;
      etag?: string | null;
      lastModified?: string | null;
      title?: string;
      siteUrl?: string | null;
      format?: FeedFormat;
      itemError: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('feeds')
      .set({
        last_polled_at: s.now,
        last_success_at: s.now,
        last_error: s.itemError,
        failure_count: 0,
        next_poll_at: s.nextPollAt,
        ...(s.etag !== undefined ? { etag: s.etag } : {}),
        ...(s.lastModified !== undefined ? { last_modified: s.lastModified } : {}),
        ...(s.title !== undefined ? { title: s.title } : {}),
        ...(s.siteUrl !== undefined ? { site_url: s.siteUrl } : {}),
        ...(s.format !== undefined ? { format: s.format } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** A poll that failed: the error kept, the failure counted; returns the new count. */
  async recordFailure(
    id: string,
    error: string,
    now: Date,
    nextPollAt: (failures: number) => Date,
  ): Promise<number> {
    const row = await this.db
      .updateTable('feeds')
      .set({
        last_polled_at: now,
        last_error: error,
        failure_count: sql<number>`failure_count + 1`,
      })
      .where('id', '=', id)
      .returning('failure_count')
      .executeTakeFirst();
    if (!row) return 0;
    await this.db
      .updateTable('feeds')
      .set({ next_poll_at: nextPollAt(row.failure_count) })
      .where('id', '=', id)
      .execute();
    return row.failure_count;
  }

  /** Which of `keys` the feed has already shown. */
  async knownKeys(feedId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('feed_items')
      .select('item_key')
      .where('feed_id', '=', feedId)
      .where('item_key', 'in', keys)
      .execute();
    return new Set(rows.map((r) => r.item_key));
  }

  /**
   * Records items; an item already recorded (by any poll, even one running now) is left as it is. Returns
   * the keys this call recorded: only the caller that recorded an item may make a post of it.
   */
  async claim(
    feedId: string,
    items: {
      id: string;
      key: string;
      title: string;
      link: string | null;
      publishedAt: Date | null;
      status: FeedItemStatus;
      error?: string | null;
    }[],
    now: Date,
  ): Promise<Map<string, string>> {
    if (items.length === 0) return new Map();
    const rows = await this.db
      .insertInto('feed_items')
      .values(
        items.map((i) => ({
          id: i.id,
          feed_id: feedId,
          item_key: i.key,
          title: i.title.slice(0, 1_000),
          link: i.link,
          published_at: i.publishedAt,
          status: i.status,
          error: i.error ?? null,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['feed_id', 'item_key']).doNothing())
      .returning(['id', 'item_key'])
      .execute();
    return new Map(rows.map((r) => [r.item_key, r.id]));
  }

  async settleItem(
    itemId: string,
    outcome: { status: 'posted'; postId: string } | { status: 'failed'; error: string },
  ): Promise<void> {
    await this.db
      .updateTable('feed_items')
      .set(
        outcome.status === 'posted'
          ? { status: 'posted', post_id: outcome.postId, error: null }
          : { status: 'failed', error: outcome.error.slice(0, 2_000) },
      )
      .where('id', '=', itemId)
      .execute();
  }

  /** The feed's items, newest first (recorded, then published), with whether the post each became still exists. */
  async items(feedId: string, limit: number): Promise<FeedItem[]> {
    const rows = await this.db
      .selectFrom('feed_items as i')
      .leftJoin('posts as p', (j) => j.onRef('p.id', '=', 'i.post_id').on('p.deleted_at', 'is', null))
      .select([
        'i.id',
        'i.feed_id',
        'i.item_key',
        'i.title',
        'i.link',
        'i.published_at',
        'i.status',
        'i.post_id',
        'i.error',
        'i.created_at',
        'p.id as live_post_id',
      ])
      .where('i.feed_id', '=', feedId)
      .orderBy('i.created_at', 'desc')
      .orderBy(sql`i.published_at DESC NULLS LAST`)
      .orderBy('i.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      feedId: r.feed_id,
      key: r.item_key,
      title: r.title,
      link: r.link,
      publishedAt: r.published_at,
      status: r.status,
      postId: r.post_id,
      postExists: r.live_post_id !== null,
      error: r.error,
      createdAt: r.created_at,
    }));
  }
}
