import { toInstant, toLocal } from '../../core/wallclock.js';
import type { DigestSchedule } from './preferences.js';

const nextDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The first time the digest hour comes, in its zone, strictly after `after`; and its period, the local date
 * (a person gets at most one digest per period). An hour skipped by a clock change moves forward with it.
 */
export function nextDigestAt(after: Date, schedule: DigestSchedule): { at: Date; period: string } {
  let date = toLocal(after, schedule.timeZone).slice(0, 10);
  const hour = String(schedule.hour).padStart(2, '0');
  for (;;) {
    const at = toInstant(`${date}T${hour}:00`, schedule.timeZone).instant;
    if (at.getTime() > after.getTime()) return { at, period: date };
    date = nextDate(date);
  }
}
