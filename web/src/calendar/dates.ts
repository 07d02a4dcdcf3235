/** Calendar days (`YYYY-MM-DD`) and the grids of a month or a week, computed on plain dates (no zone). */

export type View = 'month' | 'week' | 'list';

const pad = (n: number) => String(n).padStart(2, '0');

export function dayKey(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function parseDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  d.setUTCDate(d.getUTCDate() + n);
  return dayKey(d);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function weekday(day: string): number {
  const d = parseDay(day).getUTCDay();
  return d === 0 ? 7 : d;
}

export function startOfWeek(day: string): string {
  return addDays(day, 1 - weekday(day));
}

/** The days a view shows around `anchor`: whole weeks covering the month, or the anchor's week. */
export function visibleDays(view: View, anchor: string): string[] {
  if (view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(startOfWeek(anchor), i));
  const first = `${anchor.slice(0, 8)}01`;
  const start = startOfWeek(first);
  const nextMonth = parseDay(first);
  nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1);
  const end = addDays(dayKey(nextMonth), -1);
  const days: string[] = [];
  for (let day = start; day <= end || weekday(day) !== 1; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The anchor one step back or forward. */
export function step(view: View, anchor: string, direction: 1 | -1): string {
  if (view === 'week') return addDays(anchor, 7 * direction);
  const d = parseDay(`${anchor.slice(0, 8)}01`);
  d.setUTCMonth(d.getUTCMonth() + direction);
  return dayKey(d);
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function monthTitle(anchor: string): string {
  return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    parseDay(anchor),
  );
}

export function dayTitle(day: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(parseDay(day));
}
