import { useState } from 'react';
import type { DragEvent, FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { wallClock } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { Link, navigate, useLocation } from '../router.js';
import type { DeliveryState, Workspace } from '../types.js';
import { useChannelDirectory } from '../posts/channels.js';
import { DELIVERY_STATES, DELIVERY_STATE_LABELS, DeliveryBadge, excerpt } from '../posts/labels.js';
import { PostsPage } from '../posts/PostsPage.js';
import { calendarApi, type CalendarEntry, type CalendarNote } from './calendar-api.js';
import { CalendarFeedPanel } from './CalendarFeedPanel.js';
import { NotesPanel } from './NotesPanel.js';
import {
  WEEKDAY_NAMES,
  addDays,
  dayTitle,
  monthTitle,
  parseDay,
  step,
  visibleDays,
  type View,
} from './dates.js';

/** Deliveries that may still move (the engine's rule: never once sending or sent). */
const MOVABLE: readonly DeliveryState[] = ['scheduled', 'paused'];
/** Entries a month cell lists before "N more". */
const MONTH_CELL_ENTRIES = 3;
const VIEWS: { id: View; label: string }[] = [
  { id: 'month', label: 'Month' },
  { id: 'week', label: 'Week' },
  { id: 'list', label: 'List' },
];

function viewFrom(search: string): View {
  const v = new URLSearchParams(search).get('view');
  return v === 'week' || v === 'list' ? v : 'month';
}

/**
 * The calendar: month and week grids in the workspace's time zone, with notes, filters and drag and drop
 * (or the "Move" button, for keyboards) to move a waiting post; a list view of every post; and the
 * person's secret calendar feed.
 */
export function CalendarPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Calendar', workspace.name);
  const location = useLocation();
  const view = viewFrom(location.search);
  const zone = workspace.timezone;
  const today = wallClock(new Date(), zone).slice(0, 10);
  const [anchor, setAnchor] = useState(today);
  const [channelId, setChannelId] = useState('');
  const [state, setState] = useState<DeliveryState | ''>('');
  const [tag, setTag] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [campaign, setCampaign] = useState('');
  const [authorId, setAuthorId] = useState('');
  const canSeeMembers = can(workspace, 'members.read');
  const members = useAsync(
    (signal) =>
      canSeeMembers ? api.members(workspace.id, signal).then((r) => r.members) : Promise.resolve([]),
    [workspace.id, canSeeMembers],
  );
  const [message, setMessage] = useState('');
  const [moving, setMoving] = useState<CalendarEntry | null>(null);
  const directory = useChannelDirectory(workspace);
  const action = useAction();
  const canMove = can(workspace, 'posts.write');
  const days = view === 'list' ? [] : visibleDays(view, anchor);
  const first = days[0] ?? anchor;
  const last = days[days.length - 1] ?? anchor;
  const categories = useAsync(
    (signal) => calendarApi.categories(workspace.id, signal).then((r) => r.categories),
    [workspace.id],
  );
  const data = useAsync(
    (signal) =>
      view === 'list'
        ? Promise.resolve(undefined)
        : calendarApi.calendar(
            workspace.id,
            {
              // A day either side: every local day of the grid is covered, whatever the zone's offset.
              from: `${addDays(first, -1)}T00:00:00Z`,
              to: `${addDays(last, 2)}T00:00:00Z`,
              timeZone: zone,
              channelIds: channelId || undefined,
              states: state || undefined,
              tag: tag.trim() || undefined,
              categoryId: categoryId || undefined,
              campaign: campaign.trim() || undefined,
              authorId: authorId || undefined,
              limit: 2000,
            },
            signal,
          ),
    [workspace.id, view, first, last, zone, channelId, state, tag, categoryId, campaign, authorId],
  );

  const byDay = new Map<string, CalendarEntry[]>();
  for (const entry of data.data?.entries ?? []) {
    const day = wallClock(new Date(entry.dueAt), zone).slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), entry]);
  }
  const counts = new Map((data.data?.days ?? []).map((d) => [d.day, d.count]));
  const notesOn = (day: string): CalendarNote[] =>
    (data.data?.notes ?? []).filter((n) => n.startsOn <= day && n.endsOn >= day);

  function setView(next: View): void {
    navigate(`${location.pathname}${next === 'month' ? '' : `?view=${next}`}`, { replace: true });
  }

  async function move(entry: CalendarEntry, local: string): Promise<void> {
    setMessage('');
    const ok = await action.run(async () => {
      await calendarApi.reschedule(workspace.id, entry.deliveryId, local, zone);
    });
    if (ok) {
      setMessage(`Moved "${excerpt(entry.title ?? entry.text, 40)}" to ${local.replace('T', ' at ')}.`);
      setMoving(null);
      data.reload();
    }
  }

  function onDrop(event: DragEvent<HTMLElement>, day: string): void {
    event.preventDefault();
    const id = event.dataTransfer.getData('text/plain');
    const entry = data.data?.entries.find((e) => e.deliveryId === id);
    if (!entry) return;
    const time = wallClock(new Date(entry.dueAt), zone).slice(11, 16);
    void move(entry, `${day}T${time}`);
  }

  const title = view === 'week' ? `Week of ${dayTitle(first)}` : monthTitle(anchor);

  return (
    <div className="stack">
      <PageHeading>Calendar</PageHeading>
      <div className="segmented" role="group" aria-label="View">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            className={view === v.id ? 'segment segment-active' : 'segment'}
            aria-pressed={view === v.id}
            onClick={() => setView(v.id)}
          >
            {v.label}
          </button>
        ))}
      </div>
      {view === 'list' ? (
        <PostsPage workspace={workspace} embedded />
      ) : (
        <>
          <p className="lead">
            Times and days are in {zone}.{' '}
            {canMove
              ? 'Drag a scheduled post to another day, or use its Move button, to change its date.'
              : ''}
          </p>
          <div className="toolbar">
            <div className="toolbar-actions">
              <button
                type="button"
                className="button-secondary"
                onClick={() => setAnchor(step(view, anchor, -1))}
              >
                Previous<span className="visually-hidden"> {view}</span>
              </button>
              <button type="button" className="button-secondary" onClick={() => setAnchor(today)}>
                Today
              </button>
              <button
                type="button"
                className="button-secondary"
                onClick={() => setAnchor(step(view, anchor, 1))}
              >
                Next<span className="visually-hidden"> {view}</span>
              </button>
            </div>
            <h2 className="calendar-title" aria-live="polite">
              {title}
            </h2>
          </div>
          <div className="toolbar calendar-filters">
            <SelectField label="Channel" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">All channels</option>
              {(directory.channels.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="State"
              value={state}
              onChange={(e) =>
                setState(
                  (DELIVERY_STATES as readonly string[]).includes(e.target.value)
                    ? (e.target.value as DeliveryState)
                    : '',
                )
              }
            >
              <option value="">Any state</option>
              {DELIVERY_STATES.map((s) => (
                <option key={s} value={s}>
                  {DELIVERY_STATE_LABELS[s]}
                </option>
              ))}
            </SelectField>
            <SelectField label="Category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">Any category</option>
              {(categories.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </SelectField>
            <TextField label="Tag" value={tag} onChange={(e) => setTag(e.target.value.replace(/^#/, ''))} />
            <TextField label="Campaign" value={campaign} onChange={(e) => setCampaign(e.target.value)} />
            {canSeeMembers ? (
              <SelectField label="Author" value={authorId} onChange={(e) => setAuthorId(e.target.value)}>
                <option value="">Anyone</option>
                {(members.data ?? []).map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name}
                  </option>
                ))}
              </SelectField>
            ) : null}
          </div>
          <StatusMessage>{message}</StatusMessage>
          <ErrorAlert error={action.error} />
          <ErrorAlert error={data.error} />
          {data.loading && !data.data ? <p className="muted">Loading the calendar…</p> : null}
          {moving ? (
            <MoveForm
              entry={moving}
              zone={zone}
              busy={action.busy}
              onCancel={() => setMoving(null)}
              onMove={(local) => void move(moving, local)}
            />
          ) : null}
          <div className={view === 'month' ? 'calendar calendar-month' : 'calendar calendar-week'}>
            {WEEKDAY_NAMES.map((name) => (
              <div key={name} className="calendar-weekday" aria-hidden="true">
                {name.slice(0, 3)}
              </div>
            ))}
            {days.map((day) => {
              const entries = byDay.get(day) ?? [];
              const shown = view === 'month' ? entries.slice(0, MONTH_CELL_ENTRIES) : entries;
              const total = Math.max(counts.get(day) ?? 0, entries.length);
              const outside = view === 'month' && day.slice(0, 7) !== anchor.slice(0, 7);
              return (
                <section
                  key={day}
                  className={`calendar-day${outside ? ' calendar-day-outside' : ''}${day === today ? ' calendar-day-today' : ''}`}
                  aria-label={`${dayTitle(day)}${total > 0 ? `, ${total} ${total === 1 ? 'post' : 'posts'}` : ''}`}
                  data-day={day}
                  onDragOver={canMove ? (e) => e.preventDefault() : undefined}
                  onDrop={canMove ? (e) => onDrop(e, day) : undefined}
                >
                  <h3 className="calendar-date">
                    <span aria-hidden="true">{parseDay(day).getUTCDate()}</span>
                  </h3>
                  {notesOn(day).map((note) => (
                    <p key={note.id} className={`calendar-note calendar-note-${note.kind}`}>
                      {note.title}
                    </p>
                  ))}
                  {shown.length > 0 ? (
                    <ul className="calendar-entries">
                      {shown.map((entry) => (
                        <EntryItem
                          key={entry.deliveryId}
                          entry={entry}
                          workspace={workspace}
                          channelName={directory.name(entry.channelId)}
                          movable={canMove && MOVABLE.includes(entry.state)}
                          onMove={() => setMoving(entry)}
                        />
                      ))}
                    </ul>
                  ) : null}
                  {total > shown.length ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        setAnchor(day);
                        setView('week');
                      }}
                    >
                      {total - shown.length} more<span className="visually-hidden"> on {dayTitle(day)}</span>
                    </button>
                  ) : null}
                </section>
              );
            })}
          </div>
          {can(workspace, 'posts.write') ? (
            <NotesPanel
              workspace={workspace}
              notes={data.data?.notes ?? []}
              onChange={data.reload}
              defaultDay={anchor}
            />
          ) : null}
          <CalendarFeedPanel workspace={workspace} />
        </>
      )}
    </div>
  );
}

function EntryItem({
  entry,
  workspace,
  channelName,
  movable,
  onMove,
}: {
  entry: CalendarEntry;
  workspace: Workspace;
  channelName: string;
  movable: boolean;
  onMove: () => void;
}) {
  const time = wallClock(new Date(entry.dueAt), workspace.timezone).slice(11, 16);
  return (
    <li
      className={`calendar-entry calendar-entry-${entry.state}`}
      draggable={movable}
      onDragStart={movable ? (e) => e.dataTransfer.setData('text/plain', entry.deliveryId) : undefined}
      data-delivery={entry.deliveryId}
    >
      <Link
        to={workspacePath(workspace, `posts/${encodeURIComponent(entry.postId)}`)}
        className="calendar-entry-link"
      >
        <time dateTime={entry.dueAt}>{time}</time>{' '}
        <span className="calendar-entry-channel">{channelName}</span>{' '}
        <span className="calendar-entry-text">{excerpt(entry.title ?? entry.text, 60)}</span>
      </Link>
      <span className="calendar-entry-meta">
        <DeliveryBadge state={entry.state} />
        {entry.queued ? <span className="muted"> · queue</span> : null}
        {entry.url ? (
          <>
            {' '}
            <a href={entry.url} target="_blank" rel="noreferrer noopener">
              View<span className="visually-hidden"> the published post on {channelName}</span>
            </a>
          </>
        ) : null}
        {movable ? (
          <>
            {' '}
            <button type="button" className="link-button" onClick={onMove}>
              Move
              <span className="visually-hidden">
                {' '}
                the post of {time} on {channelName}
              </span>
            </button>
          </>
        ) : null}
      </span>
    </li>
  );
}

function MoveForm({
  entry,
  zone,
  busy,
  onCancel,
  onMove,
}: {
  entry: CalendarEntry;
  zone: string;
  busy: boolean;
  onCancel: () => void;
  onMove: (local: string) => void;
}) {
  const [local, setLocal] = useState(wallClock(new Date(entry.dueAt), zone));
  function submit(event: FormEvent): void {
    event.preventDefault();
    onMove(local);
  }
  return (
    <form className="panel inline-form" onSubmit={submit} aria-label="Move a post">
      <p>
        Move “{excerpt(entry.title ?? entry.text, 60)}” to another time ({zone}).
      </p>
      <TextField
        label="New date and time"
        type="datetime-local"
        value={local}
        onChange={(e) => setLocal(e.target.value)}
        required
      />
      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined}>
          Move
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
