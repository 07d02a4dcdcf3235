import { useEffect, useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { calendarApi } from '../calendar/calendar-api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, SelectField, TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { knownTimeZones } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { useChannelDirectory } from '../posts/channels.js';
import { excerpt } from '../posts/labels.js';
import { Link } from '../router.js';
import type { Channel, ChannelQueue, QueueAction, QueueSlot, Workspace } from '../types.js';
import { CategoryChip, CategoryDot, useCategories } from './categories.js';
import type { CategoryDirectory } from './categories.js';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

interface DraftSlot extends QueueSlot {
  key: number;
}

/** Where a problem the server found belongs: `slots[3]`, `slots[3].time` or `body.slots.3.time` → 3. */
export function slotIndexOf(path: string): number | null {
  const match = /(?:^|\.)slots(?:\[(\d+)\]|\.(\d+))/.exec(path);
  if (!match) return null;
  return Number(match[1] ?? match[2]);
}

/** The problems of a refused grid, by slot index; null when the error is not about slots. */
function locate(error: ApiError): Map<number, string[]> | null {
  const details = error.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined;
  if (!details || !Array.isArray(details.issues)) return null;
  const found = new Map<number, string[]>();
  for (const issue of details.issues) {
    const index = typeof issue.path === 'string' ? slotIndexOf(issue.path) : null;
    if (index === null || typeof issue.message !== 'string') return null;
    found.set(index, [...(found.get(index) ?? []), issue.message]);
  }
  return found.size > 0 ? found : null;
}

const slotFormats = new Map<string, Intl.DateTimeFormat>();
/** A slot's instant as the queue's clock reads it: "Thursday, 4 Mar, 18:30". */
function formatSlot(iso: string, timeZone: string): string {
  let format = slotFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      weekday: 'long',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    slotFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

const byTime = (a: QueueSlot, b: QueueSlot) => a.weekday - b.weekday || a.time.localeCompare(b.time);
const sameGrid = (a: QueueSlot[], b: QueueSlot[]) =>
  JSON.stringify(a.map(({ weekday, time, categoryId }) => [weekday, time, categoryId]).sort()) ===
  JSON.stringify(b.map(({ weekday, time, categoryId }) => [weekday, time, categoryId]).sort());

const ACTIONS: Record<
  QueueAction,
  { open: string; confirm: string; explain: (channel: string) => string; done: (channel: string) => string }
> = {
  pause: {
    open: 'Pause',
    confirm: 'Pause the queue',
    explain: (c) =>
      `Pause the queue of ${c}? Its queued posts are held and never sent until you resume it; posts added meanwhile wait too. Posts pinned to a time are not affected.`,
    done: (c) => `The queue of ${c} is paused: its queued posts are held.`,
  },
  resume: {
    open: 'Resume',
    confirm: 'Resume the queue',
    explain: (c) =>
      `Resume the queue of ${c}? Held posts go into the next free slots from now on, so nothing goes out late in a burst.`,
    done: (c) => `The queue of ${c} is running again: held posts took the next free slots.`,
  },
  shuffle: {
    open: 'Shuffle',
    confirm: 'Shuffle the queue',
    explain: (c) =>
      `Shuffle the queue of ${c}? The queued posts change places at random among the slots they hold. Posts pinned to a time never move.`,
    done: (c) => `The queue of ${c} was shuffled.`,
  },
  recalculate: {
    open: 'Recalculate',
    confirm: 'Recalculate the queue',
    explain: (c) =>
      `Recalculate the queue of ${c}? Every queued post goes back into the slots in its order, from now on, closing the gaps. Posts pinned to a time never move.`,
    done: (c) => `The queue of ${c} was recalculated.`,
  },
};

/** Which channel's queue is open: remembered in the address, so coming back from a post keeps it. */
function useChosenChannel(channels: Channel[] | undefined): [Channel | undefined, (id: string) => void] {
  const [chosen, setChosen] = useState(
    () => new URLSearchParams(window.location.search).get('channel') ?? '',
  );
  const channel = channels?.find((c) => c.id === chosen) ?? channels?.[0];
  useEffect(() => {
    if (!channel) return;
    const params = new URLSearchParams(window.location.search);
    if (params.get('channel') === channel.id) return;
    params.set('channel', channel.id);
    window.history.replaceState(null, '', `${window.location.pathname}?${params.toString()}`);
  }, [channel]);
  return [channel, setChosen];
}

/** Each channel's queue: its weekly slots, the next two weeks, and what moves the posts in it. */
export function QueuesPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Queues', workspace.name);
  const directory = useChannelDirectory(workspace);
  const categories = useCategories(workspace);
  const mayList = can(workspace, 'channels.read');
  const [channel, choose] = useChosenChannel(directory.channels.data);

  return (
    <div className="stack">
      <PageHeading>Queues</PageHeading>
      <p className="lead">
        A queue is a channel’s weekly posting times. “Add to queue” puts a post into the channel’s next free
        slot; a slot kept for a category takes only that category’s posts.
      </p>
      <ErrorAlert error={directory.channels.error} />
      {!mayList ? (
        <p className="placeholder">
          Your role does not see this workspace’s channels, so their queues are hidden.
        </p>
      ) : null}
      {mayList && directory.channels.loading && !directory.channels.data ? (
        <p className="muted">Loading channels…</p>
      ) : null}
      {directory.channels.data?.length === 0 ? (
        <p className="placeholder">
          There are no channels yet.{' '}
          {can(workspace, 'channels.manage') ? (
            <Link to={workspacePath(workspace, 'settings/channels')}>Connect a channel</Link>
          ) : (
            'Ask someone who manages channels to connect one.'
          )}
        </p>
      ) : null}
      {channel && directory.channels.data ? (
        <>
          <SelectField
            label="Channel"
            className="field-channel"
            value={channel.id}
            onChange={(e) => choose(e.target.value)}
          >
            {directory.channels.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.network}
                {c.status === 'connected'
                  ? ''
                  : `, ${c.status === 'disconnected' ? 'disconnected' : 'needs reconnecting'}`}
                )
              </option>
            ))}
          </SelectField>
          <QueueEditor key={channel.id} workspace={workspace} channel={channel} categories={categories} />
        </>
      ) : null}
    </div>
  );
}

function QueueEditor({
  workspace,
  channel,
  categories,
}: {
  workspace: Workspace;
  channel: Channel;
  categories: CategoryDirectory;
}) {
  const id = useId();
  const canChange = can(workspace, 'posts.publish');
  const queue = useAsync(
    (signal) => api.channelQueue(workspace.id, channel.id, signal).then((r) => r.queue),
    [workspace.id, channel.id],
  );
  const nextKey = useRef(0);
  const [slots, setSlots] = useState<DraftSlot[] | null>(null);
  const [timeZone, setTimeZone] = useState('');
  const [recalculate, setRecalculate] = useState(false);
  const [issues, setIssues] = useState<Map<number, string[]>>(new Map());
  const [weekday, setWeekday] = useState('1');
  const [time, setTime] = useState('09:00');
  const [slotCategory, setSlotCategory] = useState('');
  const [addProblem, setAddProblem] = useState('');
  const [confirming, setConfirming] = useState<QueueAction | null>(null);
  const [status, setStatus] = useState('');
  const save = useAction();
  const act = useAction();
  const saved = queue.data;

  const reset = (view: ChannelQueue) => {
    setSlots(view.slots.map((s) => ({ ...s, key: nextKey.current++ })));
    setTimeZone(view.timeZone);
    setIssues(new Map());
  };
  useEffect(() => {
    if (saved && slots === null) reset(saved);
  }, [saved, slots]);

  const upcomingKey = saved?.upcoming.map((u) => u.deliveryId ?? '').join(',') ?? '';
  const entries = useAsync(
    async (signal) => {
      if (!saved || !saved.upcoming.some((u) => u.deliveryId)) return new Map<string, string>();
      const from = new Date(Date.now() - 60 * 60_000).toISOString();
      const to = new Date(Date.now() + 15 * 86_400_000).toISOString();
      const page = await calendarApi.calendar(
        workspace.id,
        { from, to, timeZone: saved.timeZone, channelIds: channel.id, limit: 2000 },
        signal,
      );
      return new Map(page.entries.map((e) => [e.deliveryId, e.title || excerpt(e.text, 80)]));
    },
    [workspace.id, channel.id, upcomingKey],
  );

  const zones = knownTimeZones();
  const zoneOptions = timeZone && !zones.includes(timeZone) ? [timeZone, ...zones] : zones;
  const dirty =
    saved !== undefined && slots !== null && (!sameGrid(slots, saved.slots) || timeZone !== saved.timeZone);

  function changeSlots(next: DraftSlot[]): void {
    setSlots(next);
    setIssues(new Map());
    save.setError(null);
  }

  function addSlot(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!TIME.test(time)) {
      setAddProblem('Enter the time as HH:MM on a 24-hour clock, such as 09:30.');
      return;
    }
    setAddProblem('');
    changeSlots([
      ...(slots ?? []),
      { weekday: Number(weekday), time, categoryId: slotCategory || null, key: nextKey.current++ },
    ]);
    setStatus(`${WEEKDAYS[Number(weekday) - 1]} ${time} was added. Save the queue to keep it.`);
  }

  function removeSlot(slot: DraftSlot): void {
    const rest = (slots ?? []).filter((s) => s.key !== slot.key);
    changeSlots(rest);
    setStatus(`${WEEKDAYS[slot.weekday - 1]} ${slot.time} was removed. Save the queue to keep the change.`);
    document.getElementById(`${id}-day-${slot.weekday - 1}`)?.focus();
  }

  function saveQueue(): void {
    if (!slots) return;
    setStatus('');
    void save.run(async () => {
      try {
        const { queue: view } = await api.saveChannelQueue(workspace.id, channel.id, {
          timeZone,
          slots: slots.map(({ weekday: w, time: t, categoryId }) => ({ weekday: w, time: t, categoryId })),
          ...(recalculate ? { recalculate: true } : {}),
        });
        queue.setData(view);
        reset(view);
        setRecalculate(false);
        setStatus(
          `The queue of ${channel.name} was saved with ${view.slots.length} slot${view.slots.length === 1 ? '' : 's'} a week.${
            recalculate ? ' Queued posts were put into the new slots.' : ' Queued posts keep their times.'
          }`,
        );
      } catch (error) {
        if (error instanceof ApiError) {
          const located = locate(error);
          if (located) {
            setIssues(located);
            const count = [...located.values()].flat().length;
            throw new ApiError(
              error.status,
              error.code,
              `The queue was not saved: ${count} slot problem${count === 1 ? '' : 's'}, shown next to the slots below.`,
            );
          }
        }
        throw error;
      }
    });
  }

  function runAction(action: QueueAction): void {
    setStatus('');
    void act.run(async () => {
      const { queue: view } = await api.queueAction(workspace.id, channel.id, action);
      queue.setData(view);
      setConfirming(null);
      setStatus(ACTIONS[action].done(channel.name));
      document.getElementById(`${id}-actions`)?.focus();
    });
  }

  if (queue.error && !saved) return <ErrorAlert error={queue.error} />;
  if (!saved || !slots) return <p className="muted">Loading the queue…</p>;

  const indexed = slots.map((slot, index) => ({ slot, index }));
  const upcoming = saved.upcoming;

  return (
    <div className="stack">
      <StatusMessage>{status}</StatusMessage>
      {saved.paused ? (
        <p className="callout">
          This queue is paused: its posts are held and nothing in it is sent until it is resumed.
        </p>
      ) : null}
      {!saved.configured ? (
        <p className="muted">
          {channel.name} has no queue yet.{' '}
          {canChange ? 'Add time slots below and save.' : 'Someone who may publish can set one up.'}
        </p>
      ) : null}

      <section className="panel stack" aria-labelledby={`${id}-grid`}>
        <h2 id={`${id}-grid`} className="section-heading">
          Weekly slots
        </h2>
        <p className="hint">Times are in {timeZone}.</p>
        <div className="queue-grid">
          {WEEKDAYS.map((day, d) => {
            const daySlots = indexed
              .filter(({ slot }) => slot.weekday === d + 1)
              .sort((a, b) => byTime(a.slot, b.slot));
            return (
              <div key={day} className="queue-day">
                <h3 id={`${id}-day-${d}`} tabIndex={-1}>
                  {day}
                </h3>
                {daySlots.length === 0 ? (
                  <p className="muted queue-empty">No slots</p>
                ) : (
                  <ul className="queue-slots" aria-label={`${day} slots`}>
                    {daySlots.map(({ slot, index }) => {
                      const category = categories.find(slot.categoryId);
                      const problems = issues.get(index);
                      const problemId = `${id}-problem-${slot.key}`;
                      return (
                        <li
                          key={slot.key}
                          className={problems ? 'slot-chip slot-invalid' : 'slot-chip'}
                          style={category?.color ? { borderLeftColor: category.color } : undefined}
                          aria-label={`${day} ${slot.time}${category ? `, ${category.name}` : ''}`}
                          aria-describedby={problems ? problemId : undefined}
                        >
                          <span className="slot-head">
                            <span className="slot-time">{slot.time}</span>
                            {canChange ? (
                              <button
                                type="button"
                                className="slot-remove"
                                aria-label={`Remove ${day} ${slot.time}`}
                                onClick={() => removeSlot(slot)}
                              >
                                ×
                              </button>
                            ) : null}
                          </span>
                          {category ? (
                            <span className="slot-category">
                              <CategoryDot color={category.color} /> {category.name}
                            </span>
                          ) : null}
                          {problems ? (
                            <span id={problemId} className="slot-problem" role="note">
                              {problems.join(' ')}
                            </span>
                          ) : null}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </div>
            );
          })}
        </div>

        {canChange ? (
          <>
            <form onSubmit={addSlot} noValidate className="inline-form queue-add" aria-label="Add a slot">
              <SelectField label="Day" value={weekday} onChange={(e) => setWeekday(e.target.value)}>
                {WEEKDAYS.map((day, d) => (
                  <option key={day} value={String(d + 1)}>
                    {day}
                  </option>
                ))}
              </SelectField>
              <TextField
                label="Time"
                type="time"
                required
                value={time}
                onChange={(e) => setTime(e.target.value)}
                aria-invalid={addProblem ? true : undefined}
              />
              <SelectField
                label="Slot category"
                value={slotCategory}
                onChange={(e) => setSlotCategory(e.target.value)}
              >
                <option value="">Any post without a category</option>
                {(categories.categories.data ?? []).map((category) => (
                  <option key={category.id} value={category.id}>
                    Only {category.name}
                  </option>
                ))}
              </SelectField>
              <button type="submit" className="button-secondary">
                Add slot
              </button>
            </form>
            {addProblem ? (
              <p role="alert" className="alert">
                {addProblem}
              </p>
            ) : null}
            <SelectField
              label="Time zone"
              hint="The slots’ times are read in this zone, daylight saving time included."
              className="field-zone"
              value={timeZone}
              onChange={(e) => {
                setTimeZone(e.target.value);
                save.setError(null);
              }}
            >
              {zoneOptions.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </SelectField>
            <Checkbox
              label="Recalculate queued posts"
              description="Put the posts already in this queue into the new slots, in their order, from now on. Unchecked, they keep their times. Posts pinned to a time never move."
              checked={recalculate}
              onChange={(e) => setRecalculate(e.target.checked)}
            />
            <ErrorAlert error={save.error} />
            <div className="actions">
              <button type="button" aria-disabled={save.busy || undefined} onClick={saveQueue}>
                {save.busy ? 'Saving…' : 'Save queue'}
              </button>
              {dirty ? (
                <button type="button" className="button-secondary" onClick={() => reset(saved)}>
                  Discard changes
                </button>
              ) : null}
            </div>
            {dirty ? <p className="hint">The slots above have changes that are not saved yet.</p> : null}
          </>
        ) : (
          <p className="hint">Changing the queue needs a role that may publish.</p>
        )}
      </section>

      {canChange && saved.configured ? (
        <section className="panel stack" aria-labelledby={`${id}-actions`}>
          <h2 id={`${id}-actions`} tabIndex={-1} className="section-heading">
            Move the queued posts
          </h2>
          <div className="actions">
            {(['pause', 'resume', 'shuffle', 'recalculate'] as const)
              .filter((action) => (saved.paused ? action !== 'pause' : action !== 'resume'))
              .map((action) => (
                <button
                  key={action}
                  type="button"
                  className="button-secondary"
                  aria-expanded={confirming === action}
                  aria-controls={confirming === action ? `${id}-confirm` : undefined}
                  onClick={() => setConfirming((current) => (current === action ? null : action))}
                >
                  {ACTIONS[action].open}
                </button>
              ))}
          </div>
          {confirming ? (
            <ConfirmAction
              id={`${id}-confirm`}
              text={ACTIONS[confirming].explain(channel.name)}
              confirmLabel={ACTIONS[confirming].confirm}
              busy={act.busy}
              onConfirm={() => runAction(confirming)}
              onCancel={() => setConfirming(null)}
            />
          ) : null}
          <ErrorAlert error={act.error} />
        </section>
      ) : null}

      <section className="panel stack" aria-labelledby={`${id}-upcoming`}>
        <h2 id={`${id}-upcoming`} className="section-heading">
          Next two weeks
        </h2>
        <ErrorAlert error={entries.error} />
        {upcoming.length === 0 ? (
          <p className="muted">No slots in the next two weeks.</p>
        ) : (
          <ol className="rows upcoming" aria-label="Upcoming slots">
            {upcoming.map((u) => {
              const category = categories.find(u.categoryId);
              const name = u.deliveryId ? entries.data?.get(u.deliveryId) : undefined;
              return (
                <li key={u.at} className="row upcoming-row">
                  <time dateTime={u.at} className="upcoming-time">
                    {formatSlot(u.at, saved.timeZone)}
                  </time>
                  <span className="upcoming-category">
                    <CategoryChip category={category} prefix="Category: " />
                  </span>
                  <span className="upcoming-post">
                    {u.postId ? (
                      <Link
                        to={workspacePath(workspace, `posts/${encodeURIComponent(u.postId)}`)}
                        className="post-link"
                      >
                        {name ?? 'A queued post'}
                      </Link>
                    ) : (
                      <span className="muted">free</span>
                    )}
                    {u.postId && saved.paused ? <span className="badge badge-held">Held</span> : null}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </div>
  );
}

function ConfirmAction({
  id,
  text,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  id: string;
  text: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
  }, [text]);
  return (
    <div id={id} className="resolve" role="group" aria-label={confirmLabel}>
      <p id={`${id}-text`}>{text}</p>
      <div className="actions">
        <button
          ref={confirmRef}
          type="button"
          aria-describedby={`${id}-text`}
          aria-disabled={busy || undefined}
          onClick={busy ? undefined : onConfirm}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
