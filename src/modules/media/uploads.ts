/** Adding files to the media library: uploads streamed to the media store, and imports from a URL. */
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError, invalid } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { EgressError, safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';
import { checkAlt, normalizeTags } from './asset-fields.js';
import { SNIFF_BYTES, describeImage, displayName, formatBytes, sniff, type MediaKind } from './inspect.js';
import type { MediaAsset, MediaRepository } from './media.repository.js';
import { Mp4DurationScanner } from './mp4.js';
import { mediaKey, storeFailure, type Bytes, type MediaStorage } from './storage.js';

export interface UploadInput {
  /** The name the file had on the person's machine: display only. */
  filename?: string | undefined;
  alt?: string | undefined;
  tags?: string[] | undefined;
  body: Bytes;
  /** The Content-Length the client declared, if any: refused at once when over the limit. */
  declaredBytes?: number | undefined;
}

/**
 * New files for the library: streamed to the media store with the size limit enforced as the bytes arrive,
 * content sniffed (never the name), image size and a thumbnail from sharp, video duration from the movie
 * header. A URL is fetched through the egress guard and stored the same way.
 */
/** What adding files needs; the library's own dependencies extend it. */
export interface UploadDeps {
  repo: MediaRepository;
  storage: MediaStorage;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
  maxBytes: number;
  egress: EgressPolicy;
}

export class MediaUploads {
  constructor(private readonly deps: UploadDeps) {}

  private tooLarge(): AppError {
    return new AppError(
      'payload_too_large',
      `The file is larger than ${formatBytes(this.deps.maxBytes)}, the most the media library takes (MEDIA_MAX_BYTES). Compress or shorten it, then upload it again.`,
    );
  }

  /** Stores a file from a stream: see the class comment. Nothing is kept when anything fails. */
  async upload(
    access: WorkspaceAccess,
    actor: Actor,
    input: UploadInput,
    sourceUrl?: string,
  ): Promise<MediaAsset> {
    const filename = displayName(input.filename, 'upload');
    const alt = checkAlt(input.alt) ?? '';
    const tags = normalizeTags(input.tags ?? []);
    const max = this.deps.maxBytes;
    if (input.declaredBytes !== undefined && input.declaredBytes > max) throw this.tooLarge();
    const body = input.body;
    const iterator: AsyncIterator<Uint8Array> =
      Symbol.asyncIterator in body
        ? body[Symbol.asyncIterator]()
        : (async function* () {
            yield* body;
          })();
    // The first bytes decide what the file is, before anything is stored.
    const head: Uint8Array[] = [];
    let received = 0;
    let ended = false;
    while (received < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      received += next.value.length;
      if (received > max) {
        await iterator.return?.();
        throw this.tooLarge();
      }
    }
    if (received === 0) throw invalid('The upload is empty: send the file’s bytes as the request body.');
    let type: { mimeType: string; kind: MediaKind };
    try {
      type = await sniff(Buffer.concat(head), filename);
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    const id = newId();
    const key = mediaKey('original', id);
    const scanner = type.kind === 'video' ? new Mp4DurationScanner() : null;
    const imageChunks: Uint8Array[] | null = type.kind === 'image' ? [] : null;
    let total = 0;
    let overLimit = false;
    const tooLarge = () => this.tooLarge();
    async function* all(): AsyncGenerator<Uint8Array> {
      const take = (chunk: Uint8Array) => {
        total += chunk.length;
        if (total > max) {
          overLimit = true;
          throw tooLarge();
        }
        scanner?.push(chunk);
        imageChunks?.push(chunk);
        return chunk;
      };
      for (const chunk of head) yield take(chunk);
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield take(next.value);
      }
    }
    try {
      await this.deps.storage.put(key, all(), { contentType: type.mimeType });
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      if (overLimit) throw this.tooLarge();
      throw storeFailure(this.deps.storage, this.deps.logger, error, 'store the file');
    }
    const stored: string[] = [key];
    try {
      let width: number | null = null;
      let height: number | null = null;
      let thumbnailKey: string | null = null;
      if (imageChunks) {
        const image = await describeImage(Buffer.concat(imageChunks), filename);
        width = image.width;
        height = image.height;
        thumbnailKey = mediaKey('thumbnail', id);
        await this.deps.storage.put(thumbnailKey, [image.thumbnail], { contentType: 'image/webp' });
        stored.push(thumbnailKey);
      }
      const duration = scanner?.result() ?? null;
      const asset = await this.deps.repo.insert(
        {
          id,
          workspaceId: access.workspace.id,
          kind: type.kind,
          mimeType: type.mimeType,
          bytes: total,
          width,
          height,
          durationMs: duration === null ? null : Math.round(duration * 1000),
          filename,
          alt,
          tags,
          storageKey: key,
          thumbnailKey,
          sourceUrl: sourceUrl ?? null,
          createdBy: actor.userId,
        },
        this.deps.clock.now(),
      );
      await this.deps.audit.inWorkspace(
        actor,
        access.workspace,
        'media.uploaded',
        { type: 'media', id },
        { mimeType: type.mimeType, bytes: total, ...(sourceUrl ? { imported: true } : {}) },
      );
      return asset;
    } catch (error) {
      for (const k of stored) await this.deps.storage.delete(k).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Imports a file from a URL (the CSV importer uses it): fetched through the egress guard with the
   * library's size limit and a time limit, then sniffed and stored like an upload.
   */
  async importFromUrl(
    access: WorkspaceAccess,
    actor: Actor,
    url: string,
    options: { alt?: string | undefined; tags?: string[] | undefined; timeoutMs?: number } = {},
  ): Promise<MediaAsset> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(`"${url.slice(0, 200)}" is not a URL. Give the full address, starting with https://.`);
    }
    let res;
    try {
      res = await safeFetch(
        parsed.toString(),
        {
          timeoutMs: options.timeoutMs ?? 30_000,
          maxBytes: this.deps.maxBytes,
          headers: { accept: 'image/*,video/*' },
        },
        this.deps.egress,
      );
    } catch (error) {
      if (error instanceof EgressError && error.reason === 'too_large') throw this.tooLarge();
      if (error instanceof EgressError)
        throw invalid(`Could not import ${parsed.host}${parsed.pathname}: ${error.message}`);
      throw error;
    }
    if (res.status < 200 || res.status > 299) {
      throw invalid(
        `Could not import ${parsed.host}${parsed.pathname}: the server answered ${res.status}. Check that the address opens the file in a browser.`,
      );
    }
    let name: string | undefined;
    try {
      name = decodeURIComponent(new URL(res.url).pathname.split('/').pop() ?? '');
    } catch {
      name = undefined;
    }
    return this.upload(
      access,
      actor,
      { filename: name, alt: options.alt, tags: options.tags, body: [res.body] },
      parsed.toString(),
    );
  }
}
