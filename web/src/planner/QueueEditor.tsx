/** One channel's queue: its weekly slots being edited, what moves its posts, and its next two weeks. */

import { useEffect, useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { calendarApi } from '../calendar/calendar-api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, SelectField, TextField } from '../components/Fields.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { knownTimeZones } from '../format.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import { excerpt } from '../posts/labels.js';
import type { Channel, ChannelQueue, QueueAction, Workspace } from '../types.js';
import type { CategoryDirectory } from './categories.js';
import { ACTIONS, QueueActionsPanel } from './QueueActions.js';
import { QueueSlotGrid } from './QueueSlotGrid.js';
import { locate, sameGrid, TIME, WEEKDAYS } from './queue-slots.js';
import type { DraftSlot } from './queue-slots.js';
import { UpcomingSlots } from './UpcomingSlots.js';

export function QueueEditor({
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
        <QueueSlotGrid
          id={id}
          slots={slots}
          issues={issues}
          categories={categories}
          canChange={canChange}
          onRemove={removeSlot}
        />

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
        <QueueActionsPanel
          id={id}
          channelName={channel.name}
          paused={saved.paused}
          confirming={confirming}
          setConfirming={setConfirming}
          busy={act.busy}
          error={act.error}
          onRun={runAction}
        />
      ) : null}

      <UpcomingSlots
        id={id}
        workspace={workspace}
        saved={saved}
        categories={categories}
        names={entries.data}
        error={entries.error}
      />
    </div>
  );
}
