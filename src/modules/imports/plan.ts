import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from '../../egress/address-policy.js';
import type { EgressPolicy } from '../../egress/safe-fetch.js';
import { isLoopbackHost } from '../../egress/destination.js';
import { validateAgainstLimits, type NetworkLimits } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Channel } from '../channels/channels.repository.js';
import { normalizeTags } from '../publishing/posts.service.js';
import type { ChorusColumn, DetectedLayout, HootsuiteDateFormat } from './layouts.js';
import type { CsvRecord } from './csv.js';
import { Problems, UUID, clip, parseHttpUrl, readCells, readTime, splitList } from './row-readers.js';

export { mediaIdsIn, splitList } from './row-readers.js';

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

const MAX_CAMPAIGN = 200;
const MAX_TEXT_BYTES = 100_000;

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

export async function planRow(record: CsvRecord, ctx: PlanContext, hosts: HostChecker): Promise<RowResult> {
  const layout = ctx.layout;
  const names =
    layout.layout === 'chorus'
      ? (c: string) => layout.headers[layout.columns.get(c as ChorusColumn) ?? -1] ?? c
      : (c: string) => c;
  const problems = new Problems(names);

  // The cells, by the column's meaning.
  const { channelCell, text, mediaCell, timeCell, firstComment, tagsCell, campaign, timeColumn, textColumn } =
    readCells(record, layout, problems);

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
