/** The two layouts' row readers: a row's cells by meaning, its time cell, and the media ids in a file. */
import { toInstant } from '../../core/wallclock.js';
import type { CsvRecord } from './csv.js';
import {
  parseHootsuiteDate,
  type ChorusColumn,
  type DetectedLayout,
  type HootsuiteDateFormat,
} from './layouts.js';
import type { PlanContext, PlannedSchedule, RowProblem } from './plan.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_WITH_OFFSET =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)$/;

/** Splits a multi-value cell; empty parts are dropped. */
export const splitList = (value: string, separators: RegExp): string[] =>
  value
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Media URLs and ids already in the file, collected before rows are checked (one look-up for all). */
export function mediaIdsIn(records: readonly CsvRecord[], layout: DetectedLayout): string[] {
  const ids = new Set<string>();
  for (const r of records) {
    const cell = layout.layout === 'chorus' ? cellOf(r, layout.columns.get('media')) : (r.cells[3] ?? '');
    for (const part of splitList(cell, /\|/)) if (UUID.test(part)) ids.add(part.toLowerCase());
  }
  return [...ids];
}

const cellOf = (r: CsvRecord, index: number | undefined): string =>
  index === undefined ? '' : (r.cells[index] ?? '');

/** A problem list for one row, with the file's own column names. */
export class Problems {
  readonly list: RowProblem[] = [];
  constructor(private readonly names: (column: string) => string) {}
  add(column: string | null, message: string, fix: string): void {
    this.list.push({ column: column === null ? null : this.names(column), message, fix });
  }
}

/** One row's cells by the column's meaning, whichever layout the file has. */
export interface RowCells {
  channelCell: string;
  text: string;
  mediaCell: string;
  timeCell: string;
  firstComment: string;
  tagsCell: string;
  campaign: string;
  /** What the layout calls its time and text columns. */
  timeColumn: string;
  textColumn: string;
}

/** The row's cells; a row with extra fields, or a Hootsuite link that is not a web address, is a problem. */
export function readCells(record: CsvRecord, layout: DetectedLayout, problems: Problems): RowCells {
  if (layout.layout === 'chorus') {
    // Short rows are fine (spreadsheets drop trailing empty cells); extra non-empty fields are not.
    if (
      record.cells.length > layout.headers.length &&
      record.cells.slice(layout.headers.length).some((c) => c.trim() !== '')
    ) {
      problems.add(
        null,
        `The row has ${record.cells.length} fields; the header has ${layout.headers.length} columns.`,
        'Remove the extra fields, or quote a field that contains a comma ("like, this").',
      );
    }
    const get = (c: ChorusColumn) => cellOf(record, layout.columns.get(c));
    return {
      channelCell: get('channel'),
      text: get('text'),
      mediaCell: get('media'),
      timeCell: get('time'),
      firstComment: get('first_comment'),
      tagsCell: get('tags'),
      campaign: get('campaign'),
      timeColumn: 'time',
      textColumn: 'text',
    };
  }
  if (record.cells.length > 4 && record.cells.slice(4).some((c) => c.trim() !== '')) {
    problems.add(
      null,
      `The row has ${record.cells.length} fields; a Hootsuite file has at most 4 (date, message, link, media URL).`,
      'Remove the extra fields, or quote a message that contains a comma.',
    );
  }
  let text = record.cells[1] ?? '';
  const link = (record.cells[2] ?? '').trim();
  if (link !== '') {
    const url = parseHttpUrl(link);
    if (!url) {
      problems.add(
        'link',
        `"${clip(link)}" is not a web address.`,
        'Give the full address, starting with https://.',
      );
    } else {
      text = text.trimEnd() === '' ? url : `${text.trimEnd()} ${url}`;
    }
  }
  return {
    channelCell: '',
    text,
    mediaCell: record.cells[3] ?? '',
    timeCell: record.cells[0] ?? '',
    firstComment: '',
    tagsCell: '',
    campaign: '',
    timeColumn: 'date',
    textColumn: 'message',
  };
}

/** The row's time cell as a schedule (null: a draft, or a problem was reported). */
export function readTime(
  cell: string,
  layout: DetectedLayout,
  ctx: PlanContext,
  problem: (message: string, fix: string) => void,
): { schedule: PlannedSchedule; at: string | null } | null {
  const value = cell.trim();
  if (value === '') return null;
  const future = (instant: Date, shown: string) => {
    if (instant.getTime() <= ctx.now.getTime()) {
      problem(`${shown} is in the past.`, 'Give a time in the future, or leave it empty for a draft.');
      return false;
    }
    return true;
  };
  if (layout.layout === 'hootsuite') {
    const format = ctx.dateFormat ?? 'dd/mm/yyyy';
    const date = parseHootsuiteDate(value, format);
    if (!date) {
      problem(
        `"${clip(value)}" is not a date and time in ${format} hh:mm.`,
        `Write it as ${format} hh:mm with a 24-hour time, such as ${example(format)}.`,
      );
      return null;
    }
    return local(date.local, ctx, value, problem, future);
  }
  if (value.toLowerCase() === 'queue') return { schedule: { queue: true }, at: null };
  const iso = ISO_WITH_OFFSET.exec(value);
  if (iso) {
    const offset = iso[3]!.toUpperCase() === 'Z' ? 'Z' : iso[3]!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const instant = new Date(`${iso[1]}T${iso[2]}${offset}`);
    if (Number.isNaN(instant.getTime()) || !validDate(iso[1]!)) {
      problem(`"${clip(value)}" is not a real date and time.`, 'Check the day, month, hour and minute.');
      return null;
    }
    if (!future(instant, value)) return null;
    return { schedule: { at: instant.toISOString() }, at: instant.toISOString() };
  }
  const localMatch = LOCAL_TIME.exec(value);
  if (localMatch) return local(`${localMatch[1]}T${localMatch[2]}`, ctx, value, problem, future);
  problem(
    `"${clip(value)}" is not a time Chorus understands.`,
    `Use ISO 8601 with an offset (2027-03-28T09:30:00+02:00), YYYY-MM-DD HH:mm in the workspace's time zone (${ctx.timeZone}), or "queue"; leave it empty for a draft.`,
  );
  return null;
}

function local(
  value: string,
  ctx: PlanContext,
  shown: string,
  problem: (message: string, fix: string) => void,
  future: (instant: Date, shown: string) => boolean,
): { schedule: PlannedSchedule; at: string | null } | null {
  let instant: Date;
  try {
    instant = toInstant(value, ctx.timeZone).instant;
  } catch {
    problem(
      `"${clip(shown)}" is not a real date and time.`,
      'Check the day, month, hour (00–23) and minute.',
    );
    return null;
  }
  if (!future(instant, `${shown} (${ctx.timeZone})`)) return null;
  return { schedule: { local: value, timeZone: ctx.timeZone }, at: instant.toISOString() };
}

function validDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

function example(format: HootsuiteDateFormat): string {
  return {
    'dd/mm/yyyy': '28/03/2027 09:30',
    'mm/dd/yyyy': '03/28/2027 09:30',
    'yyyy/mm/dd': '2027/03/28 09:30',
    'yyyy/dd/mm': '2027/28/03 09:30',
  }[format];
}

export function parseHttpUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return url.toString();
  } catch {
    return null;
  }
}

export const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
