import { invalid } from '../../core/errors.js';

/**
 * The file layouts an import understands, and how a file's first row tells them apart (docs/import.md).
 *
 * - `chorus`: a header row naming Chorus's columns (any order, any case): channel, text, media, time,
 *   first_comment, tags, campaign. `channel` and `text` are required; an unknown column is an error.
 * - `hootsuite`: Hootsuite's bulk composer file: date and time, message, optional link, optional media URL,
 *   one post per row, usually without a header row. All rows go to one channel chosen at import time.
 */
export type Layout = 'chorus' | 'hootsuite';

export const CHORUS_COLUMNS = [
  'channel',
  'text',
  'media',
  'time',
  'first_comment',
  'tags',
  'campaign',
] as const;
export type ChorusColumn = (typeof CHORUS_COLUMNS)[number];
const REQUIRED: readonly ChorusColumn[] = ['channel', 'text'];

export const HOOTSUITE_COLUMNS = ['date', 'message', 'link', 'media'] as const;
export type HootsuiteColumn = (typeof HOOTSUITE_COLUMNS)[number];

/** The date orders Hootsuite offers when a file is uploaded (always followed by a 24-hour `hh:mm`). */
export const HOOTSUITE_DATE_FORMATS = ['dd/mm/yyyy', 'mm/dd/yyyy', 'yyyy/mm/dd', 'yyyy/dd/mm'] as const;
export type HootsuiteDateFormat = (typeof HOOTSUITE_DATE_FORMATS)[number];

/** "First Comment", "first-comment", " FIRST_COMMENT " → "first_comment". */
export const normalizeHeader = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export type DetectedLayout =
  | { layout: 'chorus'; columns: Map<ChorusColumn, number>; headers: string[] }
  | { layout: 'hootsuite'; hasHeader: boolean };

const HOOTSUITE_DATE = /^\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;
const HOOTSUITE_HEADER_FIRST = /^(date|time|date_?time|date_and_time|date_\(.*\)|scheduled?_?(date|time)?)$/;

/** Works out the layout from the first row; throws a located error when it is neither. */
export function detectLayout(first: string[]): DetectedLayout {
  const names = first.map(normalizeHeader);
  if (names.includes('channel')) {
    const columns = new Map<ChorusColumn, number>();
    const unknown: string[] = [];
    const twice: string[] = [];
    names.forEach((name, i) => {
      if (name === '' && first.length > 1 && i === first.length - 1) return; // a trailing separator
      if (!(CHORUS_COLUMNS as readonly string[]).includes(name)) unknown.push(first[i]!.trim() || '(empty)');
      else if (columns.has(name as ChorusColumn)) twice.push(first[i]!.trim());
      else columns.set(name as ChorusColumn, i);
    });
    if (unknown.length > 0) {
      throw invalid(
        `Row 1 (the header) has unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}. Rename or remove ${unknown.length > 1 ? 'them' : 'it'}: the columns are ${CHORUS_COLUMNS.join(', ')}.`,
        { row: 1, unknownColumns: unknown },
      );
    }
    if (twice.length > 0) {
      throw invalid(
        `Row 1 (the header) names ${twice.map((u) => `"${u}"`).join(', ')} twice. Keep one column of each name.`,
        { row: 1 },
      );
    }
    const missing = REQUIRED.filter((r) => !columns.has(r));
    if (missing.length > 0) {
      throw invalid(
        `Row 1 (the header) has no ${missing.join(' or ')} column. Add it: every post needs one.`,
        {
          row: 1,
          missingColumns: missing,
        },
      );
    }
    return { layout: 'chorus', columns, headers: first.map((h) => h.trim()) };
  }
  if (first.length >= 2 && first.length <= 4) {
    if (HOOTSUITE_DATE.test(first[0]!)) return { layout: 'hootsuite', hasHeader: false };
    if (HOOTSUITE_HEADER_FIRST.test(names[0]!) && /^(message|text|post|content)/.test(names[1]!)) {
      return { layout: 'hootsuite', hasHeader: true };
    }
  }
  throw invalid(
    `Row 1 is neither a Chorus header (it needs a channel column; the columns are ${CHORUS_COLUMNS.join(', ')}) nor a Hootsuite bulk composer row (date and time, message, optional link, optional media URL). See docs/import.md for both layouts.`,
    { row: 1 },
  );
}

export interface HootsuiteDate {
  /** `YYYY-MM-DDTHH:mm` (seconds kept when given), a wall-clock time. */
  local: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Reads a Hootsuite date in one format; undefined when the value does not fit it (or is impossible). */
export function parseHootsuiteDate(value: string, format: HootsuiteDateFormat): HootsuiteDate | undefined {
  const m = HOOTSUITE_DATE.exec(value);
  if (!m) return undefined;
  const [a, b, c] = [m[1]!, m[2]!, m[3]!];
  const parts =
    format === 'dd/mm/yyyy'
      ? { d: a, mo: b, y: c }
      : format === 'mm/dd/yyyy'
        ? { d: b, mo: a, y: c }
        : format === 'yyyy/mm/dd'
          ? { y: a, mo: b, d: c }
          : { y: a, d: b, mo: c };
  if (parts.y.length !== 4 || parts.d.length > 2 || parts.mo.length > 2) return undefined;
  const [year, month, day, hour, minute] = [parts.y, parts.mo, parts.d, m[4]!, m[5]!].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? undefined : Number(m[6]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 ||
    month > 12 ||
    probe.getUTCDate() !== day ||
    probe.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    (second ?? 0) > 59
  ) {
    return undefined;
  }
  return {
    local: `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}${second === undefined ? '' : `:${pad(second)}`}`,
  };
}

/**
 * The date format of a Hootsuite file when the person did not choose one: the one format every date in
 * the file fits. When several fit and read some date differently (03/04/2027: 3 April or March 4?), the
 * person must choose.
 */
export function inferHootsuiteDateFormat(values: readonly string[]): HootsuiteDateFormat {
  const dates = values.filter((v) => v.trim() !== '');
  const fitting = HOOTSUITE_DATE_FORMATS.filter((f) => dates.every((v) => parseHootsuiteDate(v, f)));
  if (fitting.length === 0) {
    // Every row is then reported with its own problem under the most common format.
    return 'dd/mm/yyyy';
  }
  const readings = (f: HootsuiteDateFormat) => dates.map((v) => parseHootsuiteDate(v, f)!.local).join('|');
  const distinct = new Set(fitting.map(readings));
  if (distinct.size > 1) {
    throw invalid(
      `The dates in this Hootsuite file fit more than one date format (${fitting.join(', ')}), and they read differently: choose the format the file uses (${fitting.join(' or ')}).`,
      { dateFormats: fitting },
    );
  }
  return fitting[0]!;
}

export { HOOTSUITE_DATE };
