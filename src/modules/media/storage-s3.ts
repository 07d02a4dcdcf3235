import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertMediaKey, missingFile, type ByteRange, type Bytes, type MediaStorage } from './storage.js';

export interface S3Settings {
  endpoint?: string | undefined;
  bucket: string;
  region: string;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  forcePathStyle: boolean;
}

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Media files in any S3-compatible store (AWS S3, MinIO, Ceph, R2, …), under the same generated keys as the
 * file store. Bodies stream through a multipart upload; one that fails is aborted, so no object appears.
 * The endpoint is the operator's configuration, not a URL from a person, so it does not go through the
 * egress guard.
 */
export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    const config: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // Many S3-compatible stores do not accept the newer flexible checksums on every request.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? {
            credentials: {
              accessKeyId: settings.accessKeyId,
              secretAccessKey: settings.secretAccessKey,
            },
          }
        : {}),
    };
    this.client = new S3Client(config);
  }

  private keyOf(key: string): string {
    assertMediaKey(key);
    return key;
  }

  async put(key: string, body: Bytes, info: { contentType: string }): Promise<void> {
    // The body's own failure (too large, the client went away) is what the caller must hear, not the
    // upload's follow-on errors (some stores refuse the abort that follows it).
    let bodyError: unknown;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* body;
      } catch (error) {
        bodyError = error;
        throw error;
      }
    }
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.settings.bucket,
        Key: this.keyOf(key),
        Body: Readable.from(source()),
        ContentType: info.contentType,
      },
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      await this.delete(key).catch(() => undefined);
      throw bodyError ?? error;
    }
  }

  async open(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number }> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.keyOf(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      if (!res.Body) throw missingFile();
      return { stream: res.Body as Readable, size: Number(res.ContentLength ?? 0) };
    } catch (error) {
      if (isMissing(error)) throw missingFile();
      throw error;
    }
  }

  async read(key: string): Promise<Buffer> {
    const { stream } = await this.open(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
