import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { DeliveryState } from '../publishing/publishing.rows.js';

export interface Category {
  id: string;
  workspaceId: string;
  name: string;
  color: string | null;
  evergreen: boolean;
  evergreenDays: number | null;
  createdAt: Date;
}

export type NoteKind = 'note' | 'launch' | 'holiday' | 'event';
export interface CalendarNote {
  id: string;
  workspaceId: string;
  startsOn: string;
  endsOn: string;
  kind: NoteKind;
  title: string;
  body: string | null;
  createdBy: string | null;
  createdAt: Date;
}

/** Characters of a post's text a calendar entry carries. */
export const EXCERPT = 280;

/** One delivery on the calendar with what a person needs to recognise its post. */
export interface CalendarEntry {
  deliveryId: string;
  postId: string;
  channelId: string;
  dueAt: Date;
  state: DeliveryState;
  queued: boolean;
  remoteUrl: string | null;
  text: string;
  title: string | null;
  tags: string[];
  campaign: string | null;
  categoryId: string | null;
  createdBy: string | null;
}

export interface CalendarFilter {
  channelIds?: readonly string[] | undefined;
  states?: readonly DeliveryState[] | undefined;
  tag?: string | undefined;
  campaign?: string | undefined;
  categoryId?: string | undefined;
  authorId?: string | undefined;
}

const toCategory = (r: {
  id: string;
  workspace_id: string;
  name: string;
  color: string | null;
  evergreen: boolean;
  evergreen_days: number | null;
  created_at: Date;
}): Category => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  color: r.color,
  evergreen: r.evergreen,
  evergreenDays: r.evergreen_days,
  createdAt: r.created_at,
});

/** Categories, the calendar's range queries, its notes, and secret calendar feeds. */
export class PlannerRepository {
  constructor(private readonly db: Kysely<DB>) {}

  // --- categories ----------------------------------------------------------------------------------

  async categories(workspaceId: string): Promise<Category[]> {
    const rows = await this.db
      .selectFrom('categories')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy(sql`lower(name)`)
      .execute();
    return rows.map(toCategory);
  }

  async find(workspaceId: string, id: string): Promise<Category | undefined> {
    const row = await this.db
      .selectFrom('categories')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toCategory(row);
  }

  async byName(workspaceId: string, name: string): Promise<Category | undefined> {
    const row = await this.db
      .selectFrom('categories')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where(sql`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst();
    return row && toCategory(row);
  }

  async insertCategory(c: Omit<Category, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('categories')
      .values({
        id: c.id,
        workspace_id: c.workspaceId,
        name: c.name,
        color: c.color,
        evergreen: c.evergreen,
        evergreen_days: c.evergreenDays,
      })
      .execute();
  }

  async updateCategory(
    id: string,
    changes: Partial<Pick<Category, 'name' | 'color' | 'evergreen' | 'evergreenDays'>>,
  ): Promise<void> {
    await this.db
      .updateTable('categories')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.color !== undefined ? { color: changes.color } : {}),
        ...(changes.evergreen !== undefined ? { evergreen: changes.evergreen } : {}),
        ...(changes.evergreenDays !== undefined ? { evergreen_days: changes.evergreenDays } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async deleteCategory(id: string): Promise<void> {
    await this.db.deleteFrom('categories').where('id', '=', id).execute();
  }

  // --- calendar ------------------------------------------------------------------------------------

  /** The deliveries due in [from, to) that pass the filter (deleted posts left out). */
  private inRange(workspaceId: string, from: Date, to: Date, f: CalendarFilter) {
    let q = this.db
      .selectFrom('deliveries as d')
      .innerJoin('posts as p', 'p.id', 'd.post_id')
      .where('d.workspace_id', '=', workspaceId)
      .where('d.due_at', '>=', from)
      .where('d.due_at', '<', to)
      .where('p.deleted_at', 'is', null);
    if (f.channelIds && f.channelIds.length > 0) q = q.where('d.channel_id', 'in', f.channelIds);
    if (f.states && f.states.length > 0) q = q.where('d.state', 'in', f.states);
    else q = q.where('d.state', '!=', 'cancelled');
    if (f.tag) q = q.where(sql<boolean>`p.tags @> ${JSON.stringify([f.tag])}::jsonb`);
    if (f.campaign) q = q.where('p.campaign', '=', f.campaign);
    if (f.categoryId) q = q.where('p.category_id', '=', f.categoryId);
    if (f.authorId) q = q.where('p.created_by', '=', f.authorId);
    return q;
  }

  /**
   * One page of the range in time order, after `after` (the last entry of the previous page), with an
   * excerpt of each text: a calendar shows a line per post, the post's page shows the rest.
   */
  async entries(
    workspaceId: string,
    from: Date,
    to: Date,
    f: CalendarFilter,
    limit: number,
    after?: { dueAt: Date; id: string },
  ): Promise<CalendarEntry[]> {
    let q = this.inRange(workspaceId, from, to, f)
      .innerJoin('post_variants as v', 'v.id', 'd.variant_id')
      .select([
        'd.id as deliveryId',
        'd.post_id as postId',
        'd.channel_id as channelId',
        'd.due_at as dueAt',
        'd.state',
        'd.queued',
        'd.remote_url as remoteUrl',
        sql<string>`left(COALESCE(v.body, p.body), ${EXCERPT})`.as('text'),
        'p.title',
        'p.tags',
        'p.campaign',
        'p.category_id as categoryId',
        'p.created_by as createdBy',
      ]);
    if (after) q = q.where(sql<boolean>`(d.due_at, d.id) > (${after.dueAt}, ${after.id}::uuid)`);
    return q.orderBy('d.due_at').orderBy('d.id').limit(limit).execute();
  }

  /** How many deliveries of the range fall on each local day of `zone`. */
  async dayCounts(
    workspaceId: string,
    from: Date,
    to: Date,
    f: CalendarFilter,
    zone: string,
  ): Promise<{ day: string; count: number }[]> {
    const day = sql<string>`to_char(d.due_at AT TIME ZONE ${zone}, 'YYYY-MM-DD')`;
    const rows = await this.inRange(workspaceId, from, to, f)
      .select([day.as('day'), (eb) => eb.fn.countAll<string>().as('count')])
      // By position: the same expression twice would be two parameters, which PostgreSQL cannot match.
      .groupBy(sql`1`)
      .orderBy(sql`1`)
      .execute();
    return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
  }

  // --- notes ---------------------------------------------------------------------------------------

  async notes(workspaceId: string, fromDay: string, toDay: string): Promise<CalendarNote[]> {
    const rows = await this.db
      .selectFrom('calendar_notes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('starts_on', '<=', toDay)
      .where('ends_on', '>=', fromDay)
      .orderBy('starts_on')
      .execute();
    return rows.map(toNote);
  }

  async note(workspaceId: string, id: string): Promise<CalendarNote | undefined> {
    const row = await this.db
      .selectFrom('calendar_notes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toNote(row);
  }

  async insertNote(n: Omit<CalendarNote, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('calendar_notes')
      .values({
        id: n.id,
        workspace_id: n.workspaceId,
        starts_on: n.startsOn,
        ends_on: n.endsOn,
        kind: n.kind,
        title: n.title,
        body: n.body,
        created_by: n.createdBy,
      })
      .execute();
  }

  async updateNote(
    id: string,
    n: Pick<CalendarNote, 'startsOn' | 'endsOn' | 'kind' | 'title' | 'body'>,
  ): Promise<void> {
    await this.db
      .updateTable('calendar_notes')
      .set({ starts_on: n.startsOn, ends_on: n.endsOn, kind: n.kind, title: n.title, body: n.body })
      .where('id', '=', id)
      .execute();
  }

  async deleteNote(id: string): Promise<void> {
    await this.db.deleteFrom('calendar_notes').where('id', '=', id).execute();
  }

  // --- secret calendar feeds -----------------------------------------------------------------------

  /** Replaces the user's feed secret for the workspace (the old address stops working). */
  async setFeed(f: { id: string; workspaceId: string; userId: string; tokenHash: string }): Promise<void> {
    await this.db
      .insertInto('calendar_feeds')
      .values({ id: f.id, workspace_id: f.workspaceId, user_id: f.userId, token_hash: f.tokenHash })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'user_id'])
          .doUpdateSet({ token_hash: f.tokenHash, created_at: new Date(), last_read_at: null }),
      )
      .execute();
  }

  async feed(
    workspaceId: string,
    userId: string,
  ): Promise<{ createdAt: Date; lastReadAt: Date | null } | undefined> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .select(['created_at', 'last_read_at'])
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && { createdAt: row.created_at, lastReadAt: row.last_read_at };
  }

  async feedByHash(
    tokenHash: string,
  ): Promise<{ id: string; workspaceId: string; userId: string } | undefined> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .select(['id', 'workspace_id', 'user_id'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { id: row.id, workspaceId: row.workspace_id, userId: row.user_id };
  }

  async feedRead(id: string, now: Date): Promise<void> {
    await this.db.updateTable('calendar_feeds').set({ last_read_at: now }).where('id', '=', id).execute();
  }

  async deleteFeed(workspaceId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('calendar_feeds')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
  }
}

const toNote = (r: {
  id: string;
  workspace_id: string;
  starts_on: string;
  ends_on: string;
  kind: NoteKind;
  title: string;
  body: string | null;
  created_by: string | null;
  created_at: Date;
}): CalendarNote => ({
  id: r.id,
  workspaceId: r.workspace_id,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  kind: r.kind,
  title: r.title,
  body: r.body,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
