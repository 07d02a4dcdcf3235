import type { Clock } from '../../core/clock.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { newId, randomToken } from '../../core/ids.js';
import { isValidTimeZone } from '../../core/wallclock.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess, WorkspacesService } from '../workspaces/workspaces.service.js';
import { renderCalendar } from './ical.js';
import type {
  CalendarEntry,
  CalendarFilter,
  CalendarNote,
  Category,
  NoteKind,
  PlannerRepository,
} from './planner.repository.js';

/** The widest range one calendar request may ask for. */
const MAX_RANGE_DAYS = 62;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDay(value: string, field: string): string {
  const m = DAY.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== value) {
    throw invalid(`${field} "${value}" is not a calendar day: use YYYY-MM-DD, such as 2027-03-28.`);
  }
  return value;
}

export interface CategoryInput {
  name: string;
  color?: string | null | undefined;
  evergreen?: boolean | undefined;
  evergreenDays?: number | null | undefined;
}

export interface NoteInput {
  startsOn: string;
  endsOn?: string | undefined;
  kind?: NoteKind | undefined;
  title: string;
  body?: string | null | undefined;
}

/** Content categories (pillars), the calendar with its notes, and each person's secret calendar feed. */
export class PlannerService {
  constructor(
    private readonly deps: {
      repo: PlannerRepository;
      channels: ChannelsService;
      workspaces: WorkspacesService;
      audit: AuditService;
      clock: Clock;
      publicUrl: string;
    },
  ) {}

  // --- categories ----------------------------------------------------------------------------------

  categories(access: WorkspaceAccess): Promise<Category[]> {
    return this.deps.repo.categories(access.workspace.id);
  }

  private checkCategory(input: Partial<CategoryInput>): void {
    if (input.name !== undefined && input.name.trim() === '')
      throw invalid('name is empty: give the category a name.');
    if (input.color && !/^#[0-9a-fA-F]{6}$/.test(input.color))
      throw invalid(`color "${input.color}" is not a colour: use #RRGGBB, such as #2f855a.`);
  }

  async createCategory(access: WorkspaceAccess, actor: Actor, input: CategoryInput): Promise<Category> {
    this.checkCategory(input);
    const name = input.name.trim();
    if (await this.deps.repo.byName(access.workspace.id, name))
      throw conflict(`A category named "${name}" already exists; choose another name.`);
    const id = newId();
    await this.deps.repo.insertCategory({
      id,
      workspaceId: access.workspace.id,
      name,
      color: input.color ?? null,
      evergreen: input.evergreen ?? false,
      evergreenDays: input.evergreenDays ?? null,
    });
    await this.record(actor, access, 'category.created', 'category', id, { name });
    return (await this.deps.repo.find(access.workspace.id, id))!;
  }

  async updateCategory(
    access: WorkspaceAccess,
    actor: Actor,
    id: string,
    input: Partial<CategoryInput>,
  ): Promise<Category> {
    const current = await this.deps.repo.find(access.workspace.id, id);
    if (!current) throw notFound('Category');
    this.checkCategory(input);
    const name = input.name?.trim();
    if (
      name &&
      name.toLowerCase() !== current.name.toLowerCase() &&
      (await this.deps.repo.byName(access.workspace.id, name))
    )
      throw conflict(`A category named "${name}" already exists; choose another name.`);
    await this.deps.repo.updateCategory(id, {
      ...(name !== undefined ? { name } : {}),
      ...(input.color !== undefined ? { color: input.color } : {}),
      ...(input.evergreen !== undefined ? { evergreen: input.evergreen } : {}),
      ...(input.evergreenDays !== undefined ? { evergreenDays: input.evergreenDays } : {}),
    });
    await this.record(actor, access, 'category.updated', 'category', id, {});
    return (await this.deps.repo.find(access.workspace.id, id))!;
  }

  /** Deletes a category: its posts and slots stay, without a category. */
  async deleteCategory(access: WorkspaceAccess, actor: Actor, id: string): Promise<void> {
    const current = await this.deps.repo.find(access.workspace.id, id);
    if (!current) throw notFound('Category');
    await this.deps.repo.deleteCategory(id);
    await this.record(actor, access, 'category.deleted', 'category', id, { name: current.name });
  }

  // --- calendar ------------------------------------------------------------------------------------

  /**
   * A page of the calendar's range (in time order) and, for the whole range, how many posts fall on each
   * local day of `zone` (the workspace's by default): a month view shows the counts and the first page.
   */
  async calendar(
    access: WorkspaceAccess,
    range: { from: Date; to: Date; zone?: string | undefined },
    filter: CalendarFilter,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{
    entries: CalendarEntry[];
    days: { day: string; count: number }[];
    notes: CalendarNote[];
    nextCursor: string | null;
    timeZone: string;
  }> {
    if (range.to.getTime() <= range.from.getTime()) throw invalid('to must be after from.');
    if (range.to.getTime() - range.from.getTime() > MAX_RANGE_DAYS * 86_400_000)
      throw invalid(`The range is longer than ${MAX_RANGE_DAYS} days: ask for a month (or less) at a time.`);
    const zone = range.zone ?? access.workspace.timezone;
    if (!isValidTimeZone(zone))
      throw invalid(`timeZone "${zone}" is not an IANA time zone, such as Europe/Berlin.`);
    const after = page.cursor ? decodeCursor(page.cursor, 'entries') : undefined;
    const ws = access.workspace.id;
    const [entries, days, notes] = await Promise.all([
      this.deps.repo.entries(
        ws,
        range.from,
        range.to,
        filter,
        page.limit + 1,
        after && { dueAt: after.createdAt, id: after.id },
      ),
      after ? Promise.resolve([]) : this.deps.repo.dayCounts(ws, range.from, range.to, filter, zone),
      // Notes are whole days; a day a zone away from the range's edge is still shown.
      after
        ? Promise.resolve([])
        : this.deps.repo.notes(
            ws,
            new Date(range.from.getTime() - 86_400_000).toISOString().slice(0, 10),
            new Date(range.to.getTime() + 86_400_000).toISOString().slice(0, 10),
          ),
    ]);
    const more = entries.length > page.limit;
    const shown = entries.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      entries: shown,
      days,
      notes,
      nextCursor: more && last ? encodeCursor(last.dueAt, last.deliveryId) : null,
      timeZone: zone,
    };
  }

  private checkNote(input: NoteInput): Required<Omit<NoteInput, 'body'>> & { body: string | null } {
    const startsOn = checkDay(input.startsOn, 'startsOn');
    const endsOn = checkDay(input.endsOn ?? input.startsOn, 'endsOn');
    if (endsOn < startsOn) throw invalid(`endsOn ${endsOn} is before startsOn ${startsOn}.`);
    const title = input.title.trim();
    if (title === '') throw invalid('title is empty: say what the day is about (a launch, a holiday…).');
    return { startsOn, endsOn, kind: input.kind ?? 'note', title, body: input.body?.trim() || null };
  }

  async createNote(access: WorkspaceAccess, actor: Actor, input: NoteInput): Promise<CalendarNote> {
    const n = this.checkNote(input);
    const id = newId();
    await this.deps.repo.insertNote({ id, workspaceId: access.workspace.id, createdBy: actor.userId, ...n });
    await this.record(actor, access, 'calendar_note.created', 'calendar_note', id, { title: n.title });
    return (await this.deps.repo.note(access.workspace.id, id))!;
  }

  async updateNote(
    access: WorkspaceAccess,
    actor: Actor,
    id: string,
    input: NoteInput,
  ): Promise<CalendarNote> {
    if (!(await this.deps.repo.note(access.workspace.id, id))) throw notFound('Calendar note');
    await this.deps.repo.updateNote(id, this.checkNote(input));
    await this.record(actor, access, 'calendar_note.updated', 'calendar_note', id, {});
    return (await this.deps.repo.note(access.workspace.id, id))!;
  }

  async deleteNote(access: WorkspaceAccess, actor: Actor, id: string): Promise<void> {
    if (!(await this.deps.repo.note(access.workspace.id, id))) throw notFound('Calendar note');
    await this.deps.repo.deleteNote(id);
    await this.record(actor, access, 'calendar_note.deleted', 'calendar_note', id, {});
  }

  // --- secret calendar feed ------------------------------------------------------------------------

  async feedStatus(access: WorkspaceAccess, userId: string) {
    return (await this.deps.repo.feed(access.workspace.id, userId)) ?? null;
  }

  /**
   * A new secret address of the person's calendar feed for this workspace, shown once; the previous
   * address stops working. The feed shows only what the person may see, checked at every read.
   */
  async createFeed(access: WorkspaceAccess, actor: Actor, userId: string): Promise<{ url: string }> {
    const secret = randomToken(24);
    await this.deps.repo.setFeed({
      id: newId(),
      workspaceId: access.workspace.id,
      userId,
      tokenHash: sha256(secret),
    });
    await this.record(actor, access, 'calendar_feed.created', 'user', userId, {});
    return { url: `${this.deps.publicUrl}/api/v1/calendar-feeds/${secret}.ics` };
  }

  async revokeFeed(access: WorkspaceAccess, actor: Actor, userId: string): Promise<void> {
    await this.deps.repo.deleteFeed(access.workspace.id, userId);
    await this.record(actor, access, 'calendar_feed.revoked', 'user', userId, {});
  }

  /** The feed's calendar: 30 days back to 90 ahead. Unknown, revoked or no-longer-member: not found. */
  async renderFeed(secret: string): Promise<string> {
    const feed = await this.deps.repo.feedByHash(sha256(secret));
    if (!feed) throw notFound('Calendar feed');
    const access = await this.deps.workspaces.accessOf(feed.userId, feed.workspaceId);
    if (!access || !access.permissions.includes('posts.read')) throw notFound('Calendar feed');
    const now = this.deps.clock.now();
    const entries = await this.deps.repo.entries(
      feed.workspaceId,
      new Date(now.getTime() - 30 * 86_400_000),
      new Date(now.getTime() + 90 * 86_400_000),
      { states: ['scheduled', 'sending', 'published', 'paused', 'unconfirmed', 'failed'] },
      5_000,
    );
    const channels = new Map((await this.deps.channels.list(access)).map((c) => [c.id, c.name]));
    await this.deps.repo.feedRead(feed.id, now);
    return renderCalendar(
      `Chorus: ${access.workspace.name}`,
      entries.map((e) => {
        const excerpt = (e.title ?? e.text).replace(/\s+/g, ' ').trim();
        return {
          uid: `${e.deliveryId}@chorus`,
          start: e.dueAt,
          summary: `[${channels.get(e.channelId) ?? 'Channel'}] ${excerpt.length > 80 ? `${excerpt.slice(0, 79)}…` : excerpt}`,
          description: `${e.state === 'scheduled' ? 'Scheduled' : e.state[0]!.toUpperCase() + e.state.slice(1)}${
            e.tags.length > 0 ? ` · ${e.tags.map((t) => `#${t}`).join(' ')}` : ''
          }\n\n${e.text}`,
          url: `${this.deps.publicUrl}/w/${feed.workspaceId}/posts/${e.postId}`,
          updated: now,
        };
      }),
      now,
    );
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    targetType: string,
    targetId: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      action,
      { type: targetType, id: targetId },
      data,
    );
  }
}
