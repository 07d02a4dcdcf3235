import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';

/**
 * Where media files live: the data directory (`storage-file.ts`) or an S3-compatible store
 * (`storage-s3.ts`), behind one interface. Keys are made here from generated asset ids only
 * (`original/<uuid>`, `thumbnail/<uuid>`); every store checks a key with `assertMediaKey` before using it, so
 * nothing a person typed (a file name, a URL) can ever name a path or an object.
 */
export type MediaVariant = 'original' | 'thumbnail';

/** Bytes `start` to `end`, both included (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/** A body to store: a stream of chunks, or chunks already in memory. */
export type Bytes = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface MediaStorage {
  readonly kind: 'file' | 's3';
  /**
   * Stores the bytes under `key` once the whole body has arrived. When the body fails (too large, the
   * client went away) nothing is left under the key and the error is rethrown.
   */
  put(key: string, body: Bytes, info: { contentType: string }): Promise<void>;
  /**
   * The stored bytes as a stream (only `range`, inclusive, when given); `size` is what the stream holds.
   * `not_found` when there is nothing under the key.
   */
  open(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number }>;
  /** The stored bytes in memory (for publishing, which sends them in one request). */
  read(key: string): Promise<Buffer>;
  /** Removes the object; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const KEY_RE = /^(original|thumbnail)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The storage key of an asset's original file or thumbnail. The id must be a generated UUID. */
export function mediaKey(variant: MediaVariant, assetId: string): string {
  if (!isUuid(assetId)) throw new AppError('internal', 'A media key needs a generated asset id.');
  return `${variant}/${assetId.toLowerCase()}`;
}

/** Refuses anything that is not a key `mediaKey` made: the only names a store accepts. */
export function assertMediaKey(key: string): { variant: MediaVariant; id: string } {
  const m = KEY_RE.exec(key);
  if (!m) throw new AppError('internal', 'Refused a media storage key that Chorus did not generate.');
  return { variant: m[1] as MediaVariant, id: m[2]! };
}

export const missingFile = (): AppError =>
  new AppError('not_found', 'The media file is missing from storage. Upload it again.');

/** A store that failed (disk full, bucket unreachable) is `unavailable`, logged with its cause. */
export function storeFailure(storage: MediaStorage, logger: Logger, error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  logger.error({ err: (error as Error).message, store: storage.kind }, `could not ${what}`);
  return new AppError(
    'unavailable',
    `Chorus could not ${what}: the media store did not answer. Try again in a moment; if it keeps failing, an administrator should check the media storage settings (MEDIA_STORE).`,
  );
}
