import { toInstant, toLocal } from '../../core/wallclock.js';

/**
 * Queue slots: a weekly grid of wall-clock times in a zone, turned into instants, and the rules for which
 * slot is free. Pure functions; the service brings the grid and the busy times.
 */

/** ISO weekday (1 = Monday … 7 = Sunday) and a wall-clock time `HH:MM`, optionally for one category. */
export interface Slot {
  weekday: number;
  time: string;
  categoryId: string | null;
}

/** A slot holding a post within this much of its time is not free. */
export const SLOT_MARGIN_MS = 5 * 60_000;
/** "Add to queue" looks this far ahead before it gives up. */
export const QUEUE_HORIZON_DAYS = 60;

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Problems of a grid, each located (`slots[3]`) and saying how to fix it: bad weekday or time, a slot
 * twice, or two slots of a day closer than the margin (they would hold the same post).
 */
export function gridProblems(slots: readonly Slot[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  slots.forEach((s, i) => {
    if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7)
      problems.push({
        path: `slots[${i}].weekday`,
        message: `weekday must be 1 (Monday) to 7 (Sunday), not ${s.weekday}.`,
      });
    if (!TIME.test(s.time))
      problems.push({
        path: `slots[${i}].time`,
        message: `time "${s.time}" is not HH:MM on a 24-hour clock, such as 09:30.`,
      });
  });
  if (problems.length > 0) return problems;
  const ordered = slots
    .map((s, i) => ({ ...s, i }))
    .sort((a, b) => a.weekday - b.weekday || minutesOf(a.time) - minutesOf(b.time));
  for (let k = 1; k < ordered.length; k++) {
    const a = ordered[k - 1]!;
    const b = ordered[k]!;
    if (a.weekday !== b.weekday) continue;
    const gap = minutesOf(b.time) - minutesOf(a.time);
    if (gap === 0) {
      problems.push({
        path: `slots[${b.i}]`,
        message: `${WEEKDAYS[b.weekday - 1]} ${b.time} is listed twice (slots[${a.i}] and slots[${b.i}]); remove one.`,
      });
    } else if (gap * 60_000 < SLOT_MARGIN_MS) {
      problems.push({
        path: `slots[${b.i}]`,
        message: `${WEEKDAYS[b.weekday - 1]} ${b.time} overlaps ${a.time} (slots[${a.i}]): slots of a day must be at least ${SLOT_MARGIN_MS / 60_000} minutes apart.`,
      });
    }
  }
  // Around midnight: Sunday's last slot and Monday's first are a week apart, so only same-day gaps matter,
  // except a day's last slot and the next day's first (23:58 and 00:01).
  const byDay = new Map<number, typeof ordered>();
  for (const s of ordered) byDay.set(s.weekday, [...(byDay.get(s.weekday) ?? []), s]);
  for (const [day, list] of byDay) {
    const next = byDay.get((day % 7) + 1);
    if (!next) continue;
    const last = list.at(-1)!;
    const first = next[0]!;
    const gap = 24 * 60 - minutesOf(last.time) + minutesOf(first.time);
    if (gap * 60_000 < SLOT_MARGIN_MS)
      problems.push({
        path: `slots[${first.i}]`,
        message: `${WEEKDAYS[first.weekday - 1]} ${first.time} overlaps ${WEEKDAYS[last.weekday - 1]} ${last.time} (slots[${last.i}]): slots must be at least ${SLOT_MARGIN_MS / 60_000} minutes apart.`,
      });
  }
  return problems;
}

/** ISO weekday of a calendar date. */
function weekdayOf(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The slots' instants after `from` (exclusive) up to `until`, in time order. A slot time that does not
 * exist on a day (a DST gap) moves forward as every wall-clock time does (decision 011).
 */
export function* slotInstants(
  slots: readonly Slot[],
  zone: string,
  from: Date,
  until: Date,
): Generator<{ at: Date; slot: Slot }> {
  if (slots.length === 0) return;
  const start = toLocal(from, zone).slice(0, 10);
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const sorted = [...slots].sort((a, b) => minutesOf(a.time) - minutesOf(b.time));
  for (let offset = 0; ; offset++) {
    const date = new Date(Date.UTC(y, m - 1, d + offset));
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const weekday = weekdayOf(year, month, day);
    const ymd = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    for (const slot of sorted) {
      if (slot.weekday !== weekday) continue;
      const at = toInstant(`${ymd}T${slot.time}`, zone).instant;
      if (at.getTime() > until.getTime()) return;
      if (at.getTime() > from.getTime()) yield { at, slot };
    }
    if (date.getTime() > until.getTime() + 2 * 86_400_000) return;
  }
}

/**
 * Whether a slot takes a post of `categoryId`: a slot of a category takes only that category's posts; a
 * post whose category has no slot in the grid, and a post without a category, take slots without one.
 */
export function slotTakes(slots: readonly Slot[], slot: Slot, categoryId: string | null): boolean {
  const categoryHasSlots = categoryId !== null && slots.some((s) => s.categoryId === categoryId);
  return categoryHasSlots ? slot.categoryId === categoryId : slot.categoryId === null;
}

/** Whether a time is within the margin of any busy time (`busy` sorted ascending, in ms). */
export function isBusy(busy: readonly number[], at: number): boolean {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid]! < at - SLOT_MARGIN_MS) lo = mid + 1;
    else hi = mid;
  }
  return lo < busy.length && busy[lo]! <= at + SLOT_MARGIN_MS;
}

/** Inserts a time into a sorted list. */
export function addBusy(busy: number[], at: number): void {
  let i = busy.length;
  while (i > 0 && busy[i - 1]! > at) i--;
  busy.splice(i, 0, at);
}

/** The first free slot after `from` for a post of `categoryId`, or null within the horizon. */
export function nextFreeSlot(
  slots: readonly Slot[],
  zone: string,
  busy: readonly number[],
  from: Date,
  categoryId: string | null,
): Date | null {
  const until = new Date(from.getTime() + QUEUE_HORIZON_DAYS * 86_400_000);
  for (const { at, slot } of slotInstants(slots, zone, from, until)) {
    if (slotTakes(slots, slot, categoryId) && !isBusy(busy, at.getTime())) return at;
  }
  return null;
}
