const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A timestamp in the reader's locale and time zone. */
export function formatDateTime(iso: string): string {
  const date = parse(iso);
  return date ? dateTime.format(date) : iso;
}

export function formatDate(iso: string): string {
  const date = parse(iso);
  return date ? dateOnly.format(date) : iso;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    } catch {
      format = dateTime;
    }
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** A timestamp as the clock reads in `timeZone` (a workspace's zone), in the reader's locale. */
export function formatInZone(iso: string, timeZone: string): string {
  const date = parse(iso);
  return date ? zoneFormat(timeZone).format(date) : iso;
}

/** What the clock reads in `timeZone` at `date`, as `YYYY-MM-DDTHH:mm` (the value of a date and time input). */
export function wallClock(date: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return date.toISOString().slice(0, 16);
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** The next full hour, as the clock reads in `timeZone`: a sensible first choice for "at a time". */
export function nextHourIn(timeZone: string, now = new Date()): string {
  return `${wallClock(new Date(now.getTime() + 60 * 60_000), timeZone).slice(0, 14)}00`;
}

/** How late something happened, in plain words: "on time", "12 seconds late", "3 minutes late". */
export function formatLateness(ms: number): string {
  if (ms < 1000) return 'On time';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'} late`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} late`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const hourText = `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return rest > 0 ? `${hourText} ${rest} min late` : `${hourText} late`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** How long ago (or how soon) in words: "now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function formatRelative(iso: string, now = new Date()): string {
  const date = parse(iso);
  if (!date) return iso;
  let value = (date.getTime() - now.getTime()) / 1000;
  if (Math.abs(value) < 45) return relative.format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return dateTime.format(date);
}
