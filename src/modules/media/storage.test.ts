import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3 } from '../../../test/support/s3.js';
import { newId } from '../../core/ids.js';
import { assertMediaKey, mediaKey, type MediaStorage } from './storage.js';
import { FileMediaStorage } from './storage-file.js';
import { S3MediaStorage } from './storage-s3.js';

/** Every file in a folder tree, relative to it. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

async function* chunks(parts: string[], failAfter?: number): AsyncGenerator<Uint8Array> {
  for (const [i, p] of parts.entries()) {
    if (failAfter !== undefined && i === failAfter) throw new Error('the client went away');
    yield Buffer.from(p);
  }
}

describe('media keys', () => {
  it('are made only from generated ids; anything a person could type is refused', () => {
    const id = newId();
    expect(mediaKey('original', id)).toBe(`original/${id}`);
    expect(assertMediaKey(`thumbnail/${id}`)).toEqual({ variant: 'thumbnail', id });
    for (const bad of ['../../etc/passwd', '%2e%2e/%2e%2e/etc/passwd', 'not-a-uuid', `${id}/..`, '']) {
      expect(() => mediaKey('original', bad), bad).toThrow(/generated asset id/);
    }
    for (const key of [
      `original/../../${id}`,
      `original/${id}/../../etc/passwd`,
      `../original/${id}`,
      `original/%2e%2e%2f${id}`,
      `original\\${id}`,
      `secrets/${id}`,
      `original/${id.toUpperCase()}x`,
    ]) {
      expect(() => assertMediaKey(key), key).toThrow(/did not generate/);
    }
  });
});

type Store = { name: string; storage: () => MediaStorage; stored: () => string[] };

const root = mkdtempSync(path.join(process.env.CHORUS_TEST_TMP ?? os.tmpdir(), 'media-'));
let s3: Awaited<ReturnType<typeof startS3>>;
let s3Store: S3MediaStorage;

beforeAll(async () => {
  s3 = await startS3();
  s3Store = new S3MediaStorage({
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
});
afterAll(async () => {
  s3Store.close();
  await s3.close();
});

const stores: Store[] = [
  { name: 'the data directory', storage: () => new FileMediaStorage(root), stored: () => filesUnder(root) },
  {
    name: 'an S3-compatible store (s3rver on 127.0.0.1)',
    storage: () => s3Store,
    // s3rver keeps each object as files named <key>._S3rver_object, …_metadata.json, … in the bucket folder,
    // and parts of unfinished multipart uploads under ._S3rver_uploads (it cannot abort an upload: S3 and
    // the usual S3-compatible stores delete the parts when the client aborts).
    stored: () => [
      ...new Set(
        filesUnder(path.join(s3.directory, s3.bucket))
          .filter((f) => !f.startsWith('._S3rver_'))
          .map((f) => f.replace(/\._S3rver_.*$/, '')),
      ),
    ],
  },
];

describe.each(stores)('media storage in $name', ({ storage, stored }) => {
  it('stores a streamed body, reads it back whole and as a stream, and deletes it', async () => {
    const store = storage();
    const key = mediaKey('original', newId());
    await store.put(key, chunks(['hello ', 'media ', 'library']), { contentType: 'image/png' });
    expect(await store.exists(key)).toBe(true);
    expect((await store.read(key)).toString()).toBe('hello media library');
    const opened = await store.open(key);
    expect(opened.size).toBe(19);
    const parts: Buffer[] = [];
    for await (const c of opened.stream) parts.push(c as Buffer);
    expect(Buffer.concat(parts).toString()).toBe('hello media library');
    expect(stored()).toContain(key);
    const part = await store.open(key, { start: 6, end: 10 });
    expect(part.size).toBe(5);
    const partChunks: Buffer[] = [];
    for await (const c of part.stream) partChunks.push(c as Buffer);
    expect(Buffer.concat(partChunks).toString()).toBe('media');
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(stored()).not.toContain(key);
    await store.delete(key); // deleting what is gone is fine
    await expect(store.read(key)).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.open(key)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('leaves nothing behind when the body fails part-way', async () => {
    const store = storage();
    const before = stored();
    const key = mediaKey('original', newId());
    await expect(store.put(key, chunks(['a', 'b', 'c'], 2), { contentType: 'image/png' })).rejects.toThrow(
      /went away/,
    );
    expect(await store.exists(key)).toBe(false);
    expect(stored()).toEqual(before);
  });

  it('aborts a large upload that fails after several parts were sent', async () => {
    const store = storage();
    const before = stored();
    const key = mediaKey('original', newId());
    const mb = Buffer.alloc(1024 * 1024, 1);
    async function* large(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 12; i++) yield mb;
      throw new Error('the client went away after 12 MiB');
    }
    await expect(store.put(key, large(), { contentType: 'video/mp4' })).rejects.toThrow(/went away/);
    expect(await store.exists(key)).toBe(false);
    expect(stored()).toEqual(before);
  });

  it('refuses keys it did not generate, before touching anything', async () => {
    const store = storage();
    for (const key of ['../../etc/passwd', `original/../../${newId()}`, 'original/%2e%2e']) {
      await expect(store.read(key)).rejects.toThrow(/did not generate/);
      await expect(store.put(key, [Buffer.from('x')], { contentType: 'image/png' })).rejects.toThrow(
        /did not generate/,
      );
      await expect(store.delete(key)).rejects.toThrow(/did not generate/);
    }
  });
});
