import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomToken } from '../../core/ids.js';
import { assertMediaKey, missingFile, type ByteRange, type Bytes, type MediaStorage } from './storage.js';

/**
 * Media files in the data directory: `<root>/original/<uuid>` and `<root>/thumbnail/<uuid>`. A file is
 * written under a temporary name and renamed into place once complete, so a failed upload leaves nothing
 * and a reader never sees half a file.
 */
export class FileMediaStorage implements MediaStorage {
  readonly kind = 'file' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const { variant, id } = assertMediaKey(key);
    const resolved = path.resolve(this.root, variant, id);
    // assertMediaKey already allows only generated names; this states the invariant where it matters.
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error('media path escaped');
    return resolved;
  }

  async put(key: string, body: Bytes): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomToken(6)}.part`;
    try {
      await pipeline(Readable.from(body), createWriteStream(temporary, { flags: 'wx' }));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async open(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(key);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw missingFile();
    if (range) return { stream: createReadStream(file, range), size: range.end - range.start + 1 };
    return { stream: createReadStream(file), size: info.size };
  }

  async read(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? missingFile() : error;
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return (await stat(this.pathOf(key)).catch(() => undefined))?.isFile() ?? false;
  }
}
