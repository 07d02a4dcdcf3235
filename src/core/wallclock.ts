/**
 * Wall-clock time: a local date and time in an IANA time zone, converted to and from instants.
 *
 * Chorus stores instants (`timestamptz`, a `Date` here) and, for wall-clock schedules ("every Monday at
 * 09:00 in Europe/Berlin"), a local date-time plus a zone. This module is the only place the two meet.
 * It uses the runtime's Intl time zone data only, so it never depends on the process's own `TZ`.
 *
 * See docs/decisions/011-wall-clock-time.md for the rules and how they are verified (scripts/dst-check.ts).
 */
import { invalid } from './errors.js';

/** A local date and time, `YYYY-MM-DDTHH:mm` (or `YYYY-MM-DDTHH:mm:ss`), with no offset or zone. */
export type LocalDateTime = string;

export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** How `toInstant` had to interpret the local time. */
export type Adjustment = 'none' | 'gap_forward' | 'overlap_first';

const DAY_MS = 86_400_000;
const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The cached formatter for a zone; throws the "Unknown time zone" error for names Intl does not know. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  const cached = formatters.get(zone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    if (zone.trim() !== zone || zone.length === 0) throw new RangeError('not a zone name');
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23', // midnight is 00, never 24
      era: 'short', // so a day before 0001-01-01 (an offset lookup a day early) reads as year 0, not 1
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw invalid(`Unknown time zone "${zone}": use an IANA name such as Europe/Berlin`);
  }
  formatters.set(zone, formatter);
  return formatter;
}

/** True when `zone` is an IANA time zone name (or alias, such as Asia/Calcutta) this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss` (years 0001–9999, proleptic Gregorian calendar).
 * Throws for anything malformed or impossible (2027-02-30, hour 24, minute 60, second 60).
 */
export function parseLocal(value: string): LocalFields {
  const match = LOCAL_PATTERN.exec(value);
  const fields = match
    ? {
        year: Number(match[1]),
        month: Number(match[2]),
        day: Number(match[3]),
        hour: Number(match[4]),
        minute: Number(match[5]),
        second: match[6] === undefined ? 0 : Number(match[6]),
      }
    : undefined;
  if (
    !fields ||
    fields.year < 1 ||
    fields.month < 1 ||
    fields.month > 12 ||
    fields.day < 1 ||
    fields.day > daysInMonth(fields.year, fields.month) ||
    fields.hour > 23 ||
    fields.minute > 59 ||
    fields.second > 59
  ) {
    throw invalid(`"${value}" is not a local date and time like 2027-03-28T09:30`);
  }
  return fields;
}

/** The local fields as if they were UTC, in epoch milliseconds (years 0–99 included). */
function fieldsToMs(f: LocalFields): number {
  if (f.year >= 100) return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute, f.second, 0);
  return date.getTime();
}

/** The wall-clock fields a zone shows at an instant (milliseconds are dropped, as by a clock). */
function fieldsAt(zone: string, ms: number): LocalFields {
  const fields: LocalFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  let beforeCommonEra = false;
  for (const part of formatterFor(zone).formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        fields.year = Number(part.value);
        break;
      case 'month':
        fields.month = Number(part.value);
        break;
      case 'day':
        fields.day = Number(part.value);
        break;
      case 'hour':
        fields.hour = Number(part.value);
        break;
      case 'minute':
        fields.minute = Number(part.value);
        break;
      case 'second':
        fields.second = Number(part.value);
        break;
      case 'era':
        beforeCommonEra = part.value.startsWith('B');
        break;
    }
  }
  if (beforeCommonEra) fields.year = 1 - fields.year;
  return fields;
}

/** The local time a zone shows at an instant, as epoch milliseconds of the same fields read as UTC. */
function wallAt(zone: string, ms: number): number {
  return fieldsToMs(fieldsAt(zone, ms));
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(zone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAt(zone, whole) - whole;
}

function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw invalid('The instant is not a valid date.');
  return ms;
}

/**
 * The zone's offset from UTC at `instant`, in minutes (Europe/Berlin in winter: 60; America/St_Johns: -210).
 * Only local mean time before a zone adopted standard time has offsets with seconds, and so fractions here.
 */
export function offsetMinutes(instant: Date, zone: string): number {
  return offsetAt(zone, instantMs(instant)) / 60_000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * The local date and time `zone` shows at `instant`: `YYYY-MM-DDTHH:mm`, with `:ss` appended only when the
 * seconds are not zero. Milliseconds are dropped. Throws for instants outside the years 0001–9999.
 */
export function toLocal(instant: Date, zone: string): LocalDateTime {
  const f = fieldsAt(zone, instantMs(instant));
  if (f.year < 1 || f.year > 9999) {
    throw invalid(`${instant.toISOString()} is outside the years 0001–9999 in ${zone}.`);
  }
  const minutes = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
  return f.second === 0 ? minutes : `${minutes}:${pad(f.second)}`;
}

/**
 * The instant at which `zone` shows the local date and time `local`.
 *
 * Rules, for the two moments a year many zones change their offset:
 * - **Gap** (spring forward: the local time never happens, e.g. 02:30 on the night Europe/Berlin goes from
 *   02:00 to 03:00): the time moves FORWARD by the length of the gap. 02:30 in a 1-hour gap becomes 03:30
 *   local: the instant you would get if the clock had not jumped, i.e. the local time read with the offset
 *   in force before the transition. A 30-minute gap (Australia/Lord_Howe) moves it 30 minutes; a skipped
 *   day (Pacific/Apia, 2011-12-30) moves it 24 hours. `adjustment` is `'gap_forward'`.
 * - **Overlap** (fall back: the local time happens twice, e.g. 02:30 on the night Europe/Berlin goes from
 *   03:00 back to 02:00): the FIRST occurrence, i.e. the earlier instant, read with the offset in force
 *   before the transition. `adjustment` is `'overlap_first'`.
 * - Otherwise the one instant showing that local time, and `adjustment` is `'none'`.
 *
 * So a scheduled post is never sent before the local time it names, and a time that falls in a gap is
 * never dropped. Throws for a malformed local time (see `parseLocal`) or an unknown zone.
 */
export function toInstant(local: LocalDateTime, zone: string): { instant: Date; adjustment: Adjustment } {
  const fields = parseLocal(local);
  formatterFor(zone);
  const target = fieldsToMs(fields);
  // Every offset is well under a day, so the instants that could show `target` lie within a day of it.
  // The offsets a day either side are the ones before and after any transition near this local time.
  const before = offsetAt(zone, target - DAY_MS);
  const after = offsetAt(zone, target + DAY_MS);
  const first = target - before;
  const firstShows = wallAt(zone, first);
  if (firstShows === target) {
    const ambiguous = after < before && wallAt(zone, target - after) === target;
    return { instant: new Date(first), adjustment: ambiguous ? 'overlap_first' : 'none' };
  }
  if (after !== before && wallAt(zone, target - after) === target) {
    return { instant: new Date(target - after), adjustment: 'none' };
  }
  // No instant shows `target`: it lies in a gap. Read with the offset from before the gap, it is the
  // instant the clock would have reached had it not jumped; that instant shows target + (after - before).
  if (after > before && firstShows === target + (after - before)) {
    return { instant: new Date(first), adjustment: 'gap_forward' };
  }
  return resolveNearSeveralTransitions(zone, target);
}

/**
 * The general (slower) search, for the case the fast path cannot settle: more than one transition within a
 * day of the local time. It looks at the offsets hourly over the surrounding days and applies the same rules.
 */
function resolveNearSeveralTransitions(
  zone: string,
  target: number,
): { instant: Date; adjustment: Adjustment } {
  const offsets: number[] = [];
  for (let hour = -30; hour <= 30; hour++) {
    const offset = offsetAt(zone, target + hour * 3_600_000);
    if (offsets[offsets.length - 1] !== offset) offsets.push(offset);
  }
  const showing = [...new Set(offsets.map((offset) => target - offset))]
    .filter((instant) => wallAt(zone, instant) === target)
    .sort((a, b) => a - b);
  if (showing[0] !== undefined) {
    return { instant: new Date(showing[0]), adjustment: showing.length > 1 ? 'overlap_first' : 'none' };
  }
  // A gap: the earliest jump forward whose pre-transition reading lands the expected distance ahead.
  for (let i = 0; i + 1 < offsets.length; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (to > from && wallAt(zone, target - from) === target + (to - from)) {
      return { instant: new Date(target - from), adjustment: 'gap_forward' };
    }
  }
  // Unreachable with real zone data; still never drop the time: read it with the current offset.
  return { instant: new Date(target - offsetAt(zone, target)), adjustment: 'gap_forward' };
}
