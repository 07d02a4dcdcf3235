import type { Readable } from 'node:stream';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import type { MediaItem } from '../../networks/contract.js';
import { isNetworkId, networkDefinition } from '../../networks/registry.js';
import type { Actor } from '../audit/audit.service.js';
import type { Channel } from '../channels/channels.repository.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import { checkAlt, normalizeTags } from './asset-fields.js';
import { ACCEPTED_TYPES, displayName, type MediaKind } from './inspect.js';
import { mediaIssues, type MediaIssue, type MediaUse } from './limits.js';
import type { MediaAsset } from './media.repository.js';
import { storeFailure, type ByteRange, type MediaVariant } from './storage.js';
import { MediaUploads, type UploadDeps } from './uploads.js';

export type { MediaAsset } from './media.repository.js';
export type { MediaUse, MediaIssue } from './limits.js';
export type { UploadInput } from './uploads.js';
export { ALT_MAX, TAG_MAX, TAGS_MAX } from './asset-fields.js';

/** Media files read from the store at once for publishing (a worker's batch may hold hundreds). */
const READS_AT_ONCE = 8;

/** Located problems of one channel's media, for the composer and for scheduling. */
export interface ChannelMediaIssues {
  channelId: string;
  channel: string;
  issues: MediaIssue[];
}

/** The media of one channel's version of a post, as scheduling checks it. */
export interface VariantMedia {
  channel: Channel;
  media: readonly MediaUse[];
}

/**
 * One satisfiable byte range from a Range header (`bytes=0-99`, `bytes=100-`, `bytes=-500`); null for no
 * header, several ranges or one that cannot be met, and the whole file is served (RFC 9110 §14.2 lets a
 * server ignore Range).
 */
export function parseRange(header: string | undefined, total: number): ByteRange | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || total === 0 || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? null : { start: Math.max(0, total - suffix), end: total - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  return start > end || start >= total ? null : { start, end };
}

/**
 * The workspace's media library: new files through `uploads` (uploads.ts: streamed, sniffed, limited);
 * search, tags, alt text; files served only to members; checks against networks' declared media limits;
 * and the bytes the publishing engine sends.
 */
export class MediaService {
  constructor(
    private readonly deps: UploadDeps & {
      channel(access: WorkspaceAccess, channelId: string): Promise<Channel>;
    },
  ) {
    this.uploads = new MediaUploads(deps);
  }

  /** Adding files: uploads and imports from a URL. */
  readonly uploads: MediaUploads;

  async get(access: WorkspaceAccess, id: string): Promise<MediaAsset> {
    const asset = await this.deps.repo.find(access.workspace.id, id);
    if (!asset) throw notFound('Media asset');
    return asset;
  }

  async list(
    access: WorkspaceAccess,
    query: {
      limit: number;
      q?: string | undefined;
      tag?: string | undefined;
      kind?: MediaKind | undefined;
      before?: string | undefined;
    },
  ): Promise<{ assets: MediaAsset[]; nextCursor: string | null; tags: { tag: string; count: number }[] }> {
    const before = query.before ? decodeCursor(query.before, 'media') : undefined;
    const [rows, tags] = await Promise.all([
      this.deps.repo.list(access.workspace.id, {
        limit: query.limit + 1,
        q: query.q?.trim() || undefined,
        tag: query.tag ? normalizeTags([query.tag])[0] : undefined,
        kind: query.kind,
        before,
      }),
      this.deps.repo.tags(access.workspace.id),
    ]);
    const assets = rows.slice(0, query.limit);
    const last = assets.at(-1);
    return {
      assets,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      tags,
    };
  }

  async update(
    access: WorkspaceAccess,
    actor: Actor,
    id: string,
    changes: { alt?: string | undefined; tags?: string[] | undefined; filename?: string | undefined },
  ): Promise<MediaAsset> {
    const current = await this.get(access, id);
    const updated = await this.deps.repo.update(
      access.workspace.id,
      id,
      {
        alt: checkAlt(changes.alt),
        tags: changes.tags ? normalizeTags(changes.tags) : undefined,
        filename:
          changes.filename !== undefined ? displayName(changes.filename, current.filename) : undefined,
      },
      this.deps.clock.now(),
    );
    if (!updated) throw notFound('Media asset');
    await this.record(actor, access, 'media.updated', id, {
      fields: Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined),
    });
    return updated;
  }

  /** Deletes an asset and its files, unless a post still has to send it. */
  async remove(access: WorkspaceAccess, actor: Actor, id: string): Promise<void> {
    const asset = await this.get(access, id);
    const uses = await this.deps.repo.waitingUses(access.workspace.id, id);
    if (uses.length > 0) {
      const posts = [...new Set(uses.map((u) => u.postId))];
      const first = uses[0]!;
      const excerpt = first.body.length > 40 ? `${first.body.slice(0, 40)}…` : first.body;
      throw new AppError(
        'conflict',
        `"${asset.filename}" is used by ${posts.length === 1 ? 'a post' : `${posts.length} posts`} still to be published (first: "${excerpt}", ${first.state}, due ${first.dueAt.toISOString()}). Remove it from ${posts.length === 1 ? 'that post' : 'those posts'} or wait until they are sent, then delete it.`,
        { details: { posts } },
      );
    }
    await this.deps.repo.delete(access.workspace.id, id);
    for (const key of [asset.storageKey, asset.thumbnailKey]) {
      if (!key) continue;
      await this.deps.storage
        .delete(key)
        .catch((error: unknown) =>
          this.deps.logger.warn(
            { err: (error as Error).message, assetId: id },
            'could not delete a media file',
          ),
        );
    }
    await this.record(actor, access, 'media.deleted', id, { bytes: asset.bytes });
  }

  /**
   * The stored file (or its thumbnail) as a stream, for the authorized file routes. An original may be
   * read in part (`range`, from an HTTP Range header: players seek in videos); `range` in the answer says
   * which part was given, null for the whole file.
   */
  async open(
    access: WorkspaceAccess,
    id: string,
    variant: MediaVariant,
    rangeHeader?: string,
  ): Promise<{
    asset: MediaAsset;
    stream: Readable;
    size: number;
    contentType: string;
    filename: string;
    range: (ByteRange & { total: number }) | null;
  }> {
    const asset = await this.get(access, id);
    if (variant === 'thumbnail') {
      if (!asset.thumbnailKey)
        throw new AppError(
          'not_found',
          'This asset has no thumbnail (videos have none); open the file instead.',
        );
      const file = await this.deps.storage.open(asset.thumbnailKey);
      const base = asset.filename.replace(/\.[^.]*$/, '');
      return { asset, ...file, contentType: 'image/webp', filename: `${base}-thumbnail.webp`, range: null };
    }
    const range = parseRange(rangeHeader, asset.bytes);
    const file = await this.deps.storage
      .open(asset.storageKey, range ?? undefined)
      .catch((error: unknown) => {
        throw storeFailure(this.deps.storage, this.deps.logger, error, 'read the file');
      });
    return {
      asset,
      ...file,
      contentType: asset.mimeType,
      filename: asset.filename,
      range: range && { ...range, total: asset.bytes },
    };
  }

  /** Assets of this workspace by id, in the order asked; `invalid` naming the first that is not in the library. */
  async resolve(
    access: WorkspaceAccess,
    uses: readonly MediaUse[],
  ): Promise<{ asset: MediaAsset; alt: string }[]> {
    const found = new Map(
      (await this.deps.repo.findMany(access.workspace.id, [...new Set(uses.map((u) => u.assetId))])).map(
        (a) => [a.id, a],
      ),
    );
    return uses.map((use, i) => {
      const asset = found.get(use.assetId);
      if (!asset) {
        throw invalid(
          `Media ${i + 1} (${use.assetId}) is not in this workspace's media library: it may have been deleted. Choose it again from the library.`,
        );
      }
      const alt = checkAlt(use.alt) ?? asset.alt;
      return { asset, alt };
    });
  }

  /** Each channel's media checked against its network's declared limits (the composer's live check). */
  async check(
    access: WorkspaceAccess,
    variants: readonly { channelId: string; media: readonly MediaUse[] }[],
  ): Promise<ChannelMediaIssues[]> {
    const list: VariantMedia[] = [];
    for (const v of variants) {
      const channel = await this.deps.channel(access, v.channelId).catch(() => {
        throw invalid(`Channel ${v.channelId} is not a channel of this workspace.`);
      });
      list.push({ channel, media: v.media });
    }
    return this.issues(access, list);
  }

  async issues(access: WorkspaceAccess, variants: readonly VariantMedia[]): Promise<ChannelMediaIssues[]> {
    const out: ChannelMediaIssues[] = [];
    for (const v of variants) {
      const items = await this.resolve(access, v.media);
      if (!isNetworkId(v.channel.network)) continue;
      const definition = networkDefinition(v.channel.network);
      out.push({
        channelId: v.channel.id,
        channel: v.channel.name,
        issues: mediaIssues(definition.metadata.name, definition.limits.media, items),
      });
    }
    return out;
  }

  /**
   * What posts and scheduling call: every asset must be in the workspace's library (always), and when the
   * post is scheduled each must fit each target network (`invalid` listing every located problem).
   */
  async assertUsable(
    access: WorkspaceAccess,
    variants: readonly VariantMedia[],
    scheduled: boolean,
  ): Promise<void> {
    const withMedia = variants.filter((v) => v.media.length > 0);
    if (withMedia.length === 0) return;
    if (!scheduled) {
      for (const v of withMedia) await this.resolve(access, v.media);
      return;
    }
    const found = (await this.issues(access, withMedia)).filter((c) => c.issues.length > 0);
    if (found.length === 0) return;
    const issues = found.flatMap((c) =>
      c.issues.map((i) => ({ channelId: c.channelId, channel: c.channel, ...i })),
    );
    throw invalid(
      `The media does not fit ${found.map((c) => c.channel).join(', ')}: ${issues.map((i) => i.message).join(' ')}`,
      { issues },
    );
  }

  /**
   * The bytes the publishing engine sends for one delivery, in order, with their alt text. A missing asset
   * is `not_found` (the post cannot go out as written); a store failure is rethrown (try again later).
   */
  async loadForPublish(workspaceId: string, uses: readonly MediaUse[]): Promise<MediaItem[]> {
    const assets = new Map(
      (await this.deps.repo.findMany(workspaceId, [...new Set(uses.map((u) => u.assetId))])).map((a) => [
        a.id,
        a,
      ]),
    );
    const items: MediaItem[] = [];
    for (const [i, use] of uses.entries()) {
      const asset = assets.get(use.assetId);
      if (!asset) {
        throw new AppError(
          'not_found',
          `Media ${i + 1} is no longer in the media library. Edit the post to choose it again, then retry.`,
        );
      }
      const bytes = await this.readShared(asset.storageKey);
      const alt = use.alt ?? asset.alt;
      items.push({
        mimeType: asset.mimeType,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
        ...(alt ? { altText: alt } : {}),
      });
    }
    return items;
  }

  /** Reads in progress, by key: deliveries of one batch that send the same file share one read. */
  private readonly reading = new Map<string, Promise<Buffer>>();
  /** Store reads running now, and those waiting for a turn (at most READS_AT_ONCE run). */
  private activeReads = 0;
  private readonly waitingReads: (() => void)[] = [];

  private readShared(key: string): Promise<Buffer> {
    let read = this.reading.get(key);
    if (!read) {
      read = this.readLimited(key).finally(() => this.reading.delete(key));
      this.reading.set(key, read);
    }
    return read;
  }

  private async readLimited(key: string): Promise<Buffer> {
    // A finished read hands its turn straight to the next waiting one, so no more than READS_AT_ONCE run.
    if (this.activeReads >= READS_AT_ONCE) await new Promise<void>((go) => this.waitingReads.push(go));
    else this.activeReads++;
    try {
      return await this.deps.storage.read(key);
    } finally {
      const next = this.waitingReads.shift();
      if (next) next();
      else this.activeReads--;
    }
  }

  private record(
    actor: Actor,
    access: WorkspaceAccess,
    action: string,
    targetId: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.inWorkspace(
      actor,
      access.workspace,
      action,
      { type: 'media', id: targetId },
      data,
    );
  }
}

export { ACCEPTED_TYPES };
