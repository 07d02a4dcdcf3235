import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from '../../egress/address-policy.js';
import type { EgressPolicy } from '../../egress/safe-fetch.js';
import { isLoopbackHost } from '../../egress/destination.js';
import { toInstant } from '../../core/wallclock.js';
import { validateAgainstLimits, type NetworkLimits } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Channel } from '../channels/channels.repository.js';
import { normalizeTags } from '../publishing/posts.service.js';
import {
  parseHootsuiteDate,
  type ChorusColumn,
  type DetectedLayout,
  type HootsuiteDateFormat,
} from './layouts.js';
import type { CsvRecord } from './csv.js';

/**
 * Turns one CSV row into what it will create (its plan) or into its problems, each naming the column, what
 * is wrong and how to fix it. Nothing here writes anything: the preview of a file is all of its rows
 * checked this way.
 */
export interface RowProblem {
  /** The column as the file names it (or the layout's name for it); null for the row as a whole. */
  column: string | null;
  message: string;
  fix: string;
}

export type MediaRef = { assetId: string } | { url: string };

export type PlannedSchedule = { at: string } | { local: string; timeZone: string } | { queue: true } | null;

export interface RowPlan {
  channels: { id: string; name: string; network: string }[];
  text: string;
  media: MediaRef[];
  schedule: PlannedSchedule;
  /** The instant the schedule stands for (null: a draft, or the queue decides). */
  scheduledAt: string | null;
  firstComment: string | null;
  tags: string[];
  campaign: string | null;
}

export type RowResult =
  { row: number; plan: RowPlan; problems: [] } | { row: number; plan: null; problems: RowProblem[] };

export interface PlanContext {
  layout: DetectedLayout;
  channels: readonly Channel[];
  /** Hootsuite files: the channel every row goes to, and the date format the file uses. */
  channel?: Channel | undefined;
  dateFormat?: HootsuiteDateFormat | undefined;
  timeZone: string;
  now: Date;
  egress: EgressPolicy;
  /** The workspace's media-library assets named in the file (found before checking rows). */
  assets: Map<string, { mimeType: string; bytes: number }>;
  /** False while this Chorus has no media library to attach media with. */
  mediaAvailable: boolean;
  /** Whether the person may add files to the media library (media URLs are fetched into it). */
  mayImportMedia: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_WITH_OFFSET =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)$/;
const MAX_CAMPAIGN = 200;
const MAX_TEXT_BYTES = 100_000;

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

function limitsOf(channel: Channel): NetworkLimits | undefined {
  return isNetworkId(channel.network) ? networkDefinition(channel.network).limits : undefined;
}

/** Resolves host names once per preview; a name that resolves to a private address is refused. */
export class HostChecker {
  private readonly cache = new Map<string, Promise<string | null>>();
  constructor(private readonly policy: EgressPolicy) {}

  /** Null when the URL's host may be fetched, else what is wrong with it. */
  check(url: URL): Promise<string | null> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const key = `${host}:${port}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.resolve(host, port);
      this.cache.set(key, found);
    }
    return found;
  }

  private async resolve(host: string, port: string): Promise<string | null> {
    const allowed = (address: string) =>
      this.policy.allowPrivate ||
      isPublicAddress(address) ||
      (this.policy.allowList ?? []).includes(`${address.includes(':') ? `[${address}]` : address}:${port}`) ||
      (this.policy.allowList ?? []).includes(`${host}:${port}`);
    const blocked = `${host} is a private or reserved address, which Chorus does not fetch from`;
    if (isIP(host)) return allowed(host) ? null : blocked;
    if (isLoopbackHost(host)) return allowed('127.0.0.1') ? null : blocked;
    try {
      const addresses = await lookup(host, { all: true, verbatim: true });
      if (addresses.length === 0) return `${host} does not resolve to any address`;
      return addresses.every((a) => allowed(a.address))
        ? null
        : `${host} points to a private or reserved address, which Chorus does not fetch from`;
    } catch {
      return `${host} cannot be resolved`;
    }
  }
}

/** A problem list for one row, with the file's own column names. */
class Problems {
  readonly list: RowProblem[] = [];
  constructor(private readonly names: (column: string) => string) {}
  add(column: string | null, message: string, fix: string): void {
    this.list.push({ column: column === null ? null : this.names(column), message, fix });
  }
}

export async function planRow(record: CsvRecord, ctx: PlanContext, hosts: HostChecker): Promise<RowResult> {
  const layout = ctx.layout;
  const names =
    layout.layout === 'chorus'
      ? (c: string) => layout.headers[layout.columns.get(c as ChorusColumn) ?? -1] ?? c
      : (c: string) => c;
  const problems = new Problems(names);

  // The cells, by the column's meaning.
  let channelCell: string;
  let text: string;
  let mediaCell: string;
  let timeCell: string;
  let firstComment = '';
  let tagsCell = '';
  let campaign = '';
  const timeColumn = layout.layout === 'chorus' ? 'time' : 'date';
  const textColumn = layout.layout === 'chorus' ? 'text' : 'message';
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
    channelCell = get('channel');
    text = get('text');
    mediaCell = get('media');
    timeCell = get('time');
    firstComment = get('first_comment');
    tagsCell = get('tags');
    campaign = get('campaign');
  } else {
    if (record.cells.length > 4 && record.cells.slice(4).some((c) => c.trim() !== '')) {
      problems.add(
        null,
        `The row has ${record.cells.length} fields; a Hootsuite file has at most 4 (date, message, link, media URL).`,
        'Remove the extra fields, or quote a message that contains a comma.',
      );
    }
    channelCell = '';
    timeCell = record.cells[0] ?? '';
    text = record.cells[1] ?? '';
    const link = (record.cells[2] ?? '').trim();
    mediaCell = record.cells[3] ?? '';
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
  }

  // Channels.
  const channels: Channel[] = [];
  if (layout.layout === 'hootsuite') {
    if (ctx.channel) channels.push(ctx.channel);
  } else {
    const wanted = splitList(channelCell, /\|/);
    if (wanted.length === 0) {
      problems.add(
        'channel',
        'No channel is given.',
        'Write the channel’s name or id (several separated by |).',
      );
    }
    for (const name of wanted) {
      const found = findChannel(ctx.channels, name);
      if (found.kind === 'none') {
        problems.add(
          'channel',
          `There is no channel "${clip(name)}" in this workspace.`,
          `Use one of: ${ctx.channels.map((c) => c.name).join(', ') || '(connect a channel first)'} — or its id.`,
        );
      } else if (found.kind === 'ambiguous') {
        problems.add(
          'channel',
          `Several channels are named "${clip(name)}".`,
          'Use the channel’s id instead of its name.',
        );
      } else if (found.channel.status === 'disconnected') {
        problems.add(
          'channel',
          `${found.channel.name} is disconnected.`,
          'Reconnect it in Settings → Channels, or choose another channel.',
        );
      } else if (channels.some((c) => c.id === found.channel.id)) {
        problems.add('channel', `${found.channel.name} is listed twice.`, 'List each channel once.');
      } else {
        channels.push(found.channel);
      }
    }
  }

  // Text, counted the way each network counts it.
  if (Buffer.byteLength(text) > MAX_TEXT_BYTES) {
    problems.add(textColumn, `The text is longer than ${MAX_TEXT_BYTES} bytes.`, 'Shorten it.');
  }

  // Media.
  const media: MediaRef[] = [];
  const mediaParts = splitList(mediaCell, /\|/);
  if (mediaParts.length > 0 && !ctx.mediaAvailable) {
    problems.add(
      'media',
      'This Chorus has no media library yet, so media cannot be attached.',
      'Leave the media column empty.',
    );
  } else {
    for (const part of mediaParts) {
      if (UUID.test(part)) {
        if (!ctx.assets.has(part.toLowerCase())) {
          problems.add(
            'media',
            `There is no media ${part} in this workspace’s media library.`,
            'Use the id of a file in the media library, or its URL.',
          );
        } else media.push({ assetId: part.toLowerCase() });
        continue;
      }
      const url = parseHttpUrl(part);
      if (url && !ctx.mayImportMedia) {
        problems.add(
          'media',
          `${clip(part)} would be added to the media library, which your role may not do.`,
          'Use the id of a file already in the media library, or ask someone who manages media to import the file.',
        );
        continue;
      }
      if (!url) {
        problems.add(
          'media',
          `"${clip(part)}" is neither a media-library id nor a web address.`,
          'Give a media-library id or a full https:// address; separate several with |.',
        );
        continue;
      }
      const parsed = new URL(url);
      if (parsed.username || parsed.password) {
        problems.add(
          'media',
          `The address ${clip(part)} contains a user name or password.`,
          'Use an address that needs no credentials.',
        );
        continue;
      }
      const blocked = await hosts.check(parsed);
      if (blocked) {
        problems.add(
          'media',
          `${clip(part)}: ${blocked}.`,
          'Use a public address (or ask the administrator to allow private addresses with EGRESS_ALLOW_PRIVATE).',
        );
        continue;
      }
      media.push({ url });
    }
  }

  // Limits of every channel: text, first comment, media.
  const comment = firstComment.trim();
  for (const channel of channels) {
    const limits = limitsOf(channel);
    if (!limits) continue;
    for (const issue of validateAgainstLimits(limits, { text })) {
      if (issue.message.startsWith('The post is empty') && media.length > 0) continue;
      problems.add(
        textColumn,
        `${channel.name}: ${issue.message.replace(/ Shorten it by \d+\.$/, '')}`,
        issue.message.startsWith('The post is empty')
          ? 'Write some text, or add media.'
          : `Shorten the text for ${channel.name} (counted in ${limits.text.unit}).`,
      );
    }
    if (comment !== '') {
      if (!limits.firstComment) {
        problems.add(
          'first_comment',
          `${channel.name} cannot post a first comment.`,
          'Leave first_comment empty for this channel, or put this row’s other channels on their own row.',
        );
      } else {
        const length = limits.text.count(comment);
        if (length > limits.text.max) {
          problems.add(
            'first_comment',
            `${channel.name}: the first comment is ${length} ${limits.text.unit} long; the limit is ${limits.text.max}.`,
            'Shorten the first comment.',
          );
        }
      }
    }
    if (mediaParts.length > 0) {
      if (limits.media.types.length === 0) {
        problems.add(
          'media',
          `${channel.name} takes no media.`,
          'Leave the media column empty for this channel.',
        );
      } else if (mediaParts.length > limits.media.maxItems) {
        problems.add(
          'media',
          `${mediaParts.length} media items; ${channel.name} takes at most ${limits.media.maxItems}.`,
          `Keep at most ${limits.media.maxItems}.`,
        );
      }
      for (const m of media) {
        const asset = 'assetId' in m ? ctx.assets.get(m.assetId) : undefined;
        if (!asset || limits.media.types.length === 0) continue;
        if (!limits.media.types.includes(asset.mimeType)) {
          problems.add(
            'media',
            `${channel.name} does not accept ${asset.mimeType} (media ${'assetId' in m ? m.assetId : ''}).`,
            `Use ${limits.media.types.join(', ')}.`,
          );
        } else if (asset.bytes > limits.media.maxBytes) {
          problems.add(
            'media',
            `Media ${'assetId' in m ? m.assetId : ''} is ${asset.bytes} bytes; ${channel.name} takes at most ${limits.media.maxBytes}.`,
            'Use a smaller file.',
          );
        }
      }
    }
  }

  // Time.
  const schedule = readTime(timeCell, layout, ctx, (message, fix) => problems.add(timeColumn, message, fix));

  // Tags and campaign.
  let tags: string[] = [];
  try {
    tags = normalizeTags(splitList(tagsCell, /[,;]/));
  } catch (error) {
    problems.add(
      'tags',
      (error as Error).message.replace(/^tags\[\d+\] /, 'A tag '),
      'Keep at most 30 tags of at most 50 characters, separated by , or ;.',
    );
  }
  const campaignName = campaign.trim();
  if (campaignName.length > MAX_CAMPAIGN) {
    problems.add('campaign', `The campaign name is longer than ${MAX_CAMPAIGN} characters.`, 'Shorten it.');
  }

  if (problems.list.length > 0) return { row: record.row, plan: null, problems: problems.list };
  return {
    row: record.row,
    plan: {
      channels: channels.map((c) => ({ id: c.id, name: c.name, network: c.network })),
      text,
      media,
      schedule: schedule?.schedule ?? null,
      scheduledAt: schedule?.at ?? null,
      firstComment: comment === '' ? null : comment,
      tags,
      campaign: campaignName === '' ? null : campaignName,
    },
    problems: [],
  };
}

function readTime(
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

function parseHttpUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return url.toString();
  } catch {
    return null;
  }
}

function findChannel(
  channels: readonly Channel[],
  value: string,
): { kind: 'one'; channel: Channel } | { kind: 'none' } | { kind: 'ambiguous' } {
  const byId = channels.find((c) => c.id === value.toLowerCase());
  if (byId) return { kind: 'one', channel: byId };
  const wanted = value.trim().toLowerCase();
  const named = channels.filter((c) => c.name.trim().toLowerCase() === wanted);
  if (named.length === 1) return { kind: 'one', channel: named[0]! };
  return named.length === 0 ? { kind: 'none' } : { kind: 'ambiguous' };
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
