import type { Clock } from '../../core/clock.js';
import { AppError, invalid } from '../../core/errors.js';
import { toInstant } from '../../core/wallclock.js';
import { validatePost } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import { keepLinks, linksIn, replaceLinks, type LinkShortener } from './links.js';
import type { PostsRepository } from './posts.repository.js';
import type {
  ChannelCheck,
  ChannelInput,
  PostCheck,
  PostInput,
  PostMedia,
  ScheduleInput,
} from './posts.types.js';
import type { PostKind } from './publishing.rows.js';
import { countTokens, type TokenKind } from './text-tokens.js';

/** A stand-in for a media item when only its presence matters. */
const NO_BYTES = { mimeType: '', bytes: new Uint8Array(0) };

/** How many of the newest posts hashtag and mention suggestions are drawn from. */
const RECENT_POSTS = 300;

/** Where a new delivery's time comes from. */
export type Timing = { kind: 'fixed'; at: Date } | { kind: 'queue' };

/**
 * The checks saving a post runs, and what the composer asks of them: the schedule read, each channel's
 * version against its network, the media against the library, links shortened, hashtag and mention
 * suggestions. Nothing here writes.
 */
export class PostChecks {
  constructor(
    private readonly deps: {
      repo: PostsRepository;
      channels: ChannelsService;
      media?: PostMedia | undefined;
      clock: Clock;
      links?: LinkShortener | undefined;
    },
  ) {}

  /** A fixed time (with the wall-clock time and zone it was chosen in, if it was), or the queue. */
  resolveSchedule(
    access: WorkspaceAccess,
    schedule: ScheduleInput,
  ): { timing: Timing; local: string | null; zone: string | null } {
    const now = this.deps.clock.now();
    if ('queue' in schedule) return { timing: { kind: 'queue' }, local: null, zone: null };
    if ('local' in schedule) {
      const zone = schedule.timeZone ?? access.workspace.timezone;
      let instant: Date;
      try {
        instant = toInstant(schedule.local, zone).instant;
      } catch (error) {
        throw invalid(`schedule: ${(error as Error).message}`);
      }
      return { timing: { kind: 'fixed', at: instant }, local: schedule.local, zone };
    }
    if (schedule.at === 'now') return { timing: { kind: 'fixed', at: now }, local: null, zone: null };
    const at = new Date(schedule.at);
    if (Number.isNaN(at.getTime())) {
      throw invalid(
        `schedule.at "${schedule.at}" is not an instant: use "now" or an ISO 8601 time with its offset, such as 2027-03-28T09:30:00+02:00.`,
      );
    }
    return { timing: { kind: 'fixed', at }, local: null, zone: null };
  }

  /** The configured link shortener (the default keeps links as written). */
  get linkShortener(): LinkShortener {
    return this.deps.links ?? keepLinks;
  }

  /**
   * Every check saving a post runs, per channel: the channel belongs to the workspace and is connected,
   * and its text, thread and options pass its network's checks (`validatePost`, counted the network's
   * way). The composer calls this through `POST …/posts/validate`; create and update refuse what it finds.
   */
  async evaluate(
    access: WorkspaceAccess,
    body: string,
    inputs: ChannelInput[],
  ): Promise<{ channels: Map<string, Channel>; checks: ChannelCheck[] }> {
    const found = new Map<string, Channel>();
    const checks: ChannelCheck[] = [];
    const all = new Map((await this.deps.channels.list(access)).map((c) => [c.id, c]));
    const seen = new Set<string>();
    for (const input of inputs) {
      const channel = all.get(input.channelId);
      const check: ChannelCheck = {
        channelId: input.channelId,
        channelName: channel?.name ?? null,
        network: channel?.network ?? null,
        text: null,
        thread: [],
        issues: [],
      };
      checks.push(check);
      const refuse = (message: string) => check.issues.push({ field: 'channel', message });
      if (seen.has(input.channelId)) refuse(`Channel ${input.channelId} is listed twice.`);
      seen.add(input.channelId);
      if (!channel) {
        refuse(`Channel ${input.channelId} is not a channel of this workspace.`);
        continue;
      }
      if (channel.status === 'disconnected')
        refuse(`${channel.name} is disconnected: reconnect it in Settings → Channels, or leave it out.`);
      found.set(channel.id, channel);
      if (!isNetworkId(channel.network)) continue;
      const definition = networkDefinition(channel.network);
      const text = input.body ?? body;
      const count = definition.limits.text.count;
      check.text = { count: count(text), max: definition.limits.text.max, unit: definition.limits.text.unit };
      check.thread = (input.thread ?? []).map((part) => ({ count: count(part) }));
      check.issues.push(
        ...validatePost(definition, {
          text,
          ...(input.thread ? { thread: input.thread } : {}),
          ...(input.options ? { options: input.options } : {}),
          // Media counts as content here; the media library checks it against the network (checkMedia).
          ...(input.media?.length ? { media: input.media.map(() => NO_BYTES) } : {}),
        }).filter((i) => i.field !== 'media'),
      );
    }
    return { channels: found, checks };
  }

  /**
   * Refuses a post any check found a problem with; the message names each channel and the fix. An idea
   * is not held to the networks' limits (it is not going out yet), only to channels it may name.
   */
  refuseProblems(checks: ChannelCheck[], kind: PostKind): void {
    const placement = checks.flatMap((c) => c.issues.filter((i) => i.field === 'channel'));
    if (placement.length > 0) throw invalid(placement.map((i) => i.message).join(' '));
    if (kind === 'idea') return;
    const issues = checks.flatMap((c) =>
      c.issues.map((i) => ({ channelId: c.channelId, channel: c.channelName ?? c.channelId, ...i })),
    );
    if (issues.length > 0) {
      throw invalid(
        `The post does not fit ${[...new Set(issues.map((i) => i.channel))].join(', ')}: ${issues
          .map((i) => `${i.channel}: ${i.message}`)
          .join(' ')}`,
        { issues },
      );
    }
  }

  /** Every asset must be in the workspace's library; a scheduled post's must fit each network too. */
  async checkMedia(
    access: WorkspaceAccess,
    inputs: ChannelInput[],
    channels: Map<string, Channel>,
    scheduled: boolean,
  ): Promise<void> {
    if (!inputs.some((c) => (c.media?.length ?? 0) > 0)) return;
    if (!this.deps.media) throw invalid('This Chorus has no media library; remove the media.');
    await this.deps.media.assertUsable(
      access,
      inputs.map((c) => ({ channel: channels.get(c.channelId)!, media: c.media ?? [] })),
      scheduled,
    );
  }

  /**
   * What saving this post would refuse, per channel and for the whole post, without saving anything. For
   * an idea, the networks' limits are reported but do not make it fail (saving an idea does not check them).
   */
  async check(access: WorkspaceAccess, input: PostInput): Promise<PostCheck> {
    const kind = input.kind ?? 'post';
    const issues: PostCheck['issues'] = [];
    if (kind === 'post' && input.channels.length === 0)
      issues.push({ field: 'channels', message: 'Choose at least one channel to publish to.' });
    const { channels, checks } = await this.evaluate(access, input.body, input.channels);
    if (input.schedule && kind === 'idea') {
      issues.push({
        field: 'schedule',
        message: 'An idea has no time: save it, then turn it into a post (kind "post") to schedule it.',
      });
    } else if (input.schedule) {
      try {
        this.resolveSchedule(access, input.schedule);
      } catch (error) {
        issues.push({ field: 'schedule', message: (error as Error).message });
      }
    }
    // Media: every asset must be in the library; it must fit the networks once the post is scheduled.
    const scheduled = kind === 'post' && !!input.schedule;
    const withMedia = input.channels.filter((c) => (c.media?.length ?? 0) > 0 && channels.has(c.channelId));
    const mediaBlocks = new Set<string>();
    if (withMedia.length > 0) {
      const at = (channelId: string) => checks.find((c) => c.channelId === channelId)!;
      if (!this.deps.media) {
        for (const c of withMedia) {
          at(c.channelId).issues.push({
            field: 'media',
            message: 'This Chorus has no media library; remove the media.',
          });
          mediaBlocks.add(c.channelId);
        }
      } else {
        for (const c of withMedia) {
          const variant = [{ channel: channels.get(c.channelId)!, media: c.media ?? [] }];
          try {
            for (const found of await this.deps.media.issues(access, variant)) {
              for (const issue of found.issues) {
                at(c.channelId).issues.push({
                  field: 'media',
                  message: issue.message,
                  ...(issue.index !== null ? { item: issue.index } : {}),
                });
                if (scheduled) mediaBlocks.add(c.channelId);
              }
            }
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            at(c.channelId).issues.push({ field: 'media', message: error.message });
            mediaBlocks.add(c.channelId);
          }
        }
      }
    }
    const blocking = (c: ChannelCheck) =>
      mediaBlocks.has(c.channelId) ||
      c.issues.some((i) => i.field !== 'media' && (kind === 'post' || i.field === 'channel'));
    return { ok: issues.length === 0 && !checks.some(blocking), channels: checks, issues };
  }

  /** The post's texts with their links replaced by the link shortener, when asked for. */
  async shorten(
    access: WorkspaceAccess,
    postId: string,
    input: { body: string; channels: ChannelInput[] },
  ): Promise<{ body: string; channels: ChannelInput[] }> {
    const texts = [input.body, ...input.channels.flatMap((c) => [c.body ?? '', ...(c.thread ?? [])])];
    const links = linksIn(texts);
    if (links.length === 0) return input;
    const map = await this.linkShortener.shorten(links, { workspaceId: access.workspace.id, postId });
    const swap = (text: string) => replaceLinks(text, map);
    return {
      body: swap(input.body),
      channels: input.channels.map((c) => ({
        ...c,
        ...(c.body !== undefined ? { body: swap(c.body) } : {}),
        ...(c.thread ? { thread: c.thread.map(swap) } : {}),
      })),
    };
  }

  /**
   * The hashtags (`#spring`) or mentions (`@ana.bsky.social`) the workspace used in its most recent posts,
   * most used first, that start with `prefix`: what the composer suggests while typing.
   */
  async recentTokens(
    access: WorkspaceAccess,
    kind: TokenKind,
    prefix: string,
    limit: number,
  ): Promise<{ value: string; uses: number }[]> {
    const posts = await this.deps.repo.listPosts(access.workspace.id, { limit: RECENT_POSTS });
    const variants = await this.deps.repo.variants(posts.map((p) => p.id));
    const texts = [...posts.map((p) => p.body), ...variants.flatMap((v) => [v.body ?? '', ...v.thread])];
    return countTokens(kind, texts, prefix).slice(0, limit);
  }
}
