import path from 'node:path';
import type { Config } from '../../config/config.js';
import type { MediaStorage } from './storage.js';
import { FileMediaStorage } from './storage-file.js';
import { S3MediaStorage } from './storage-s3.js';

/** The store MEDIA_STORE chooses: the data directory (default) or an S3-compatible bucket. */
export function createMediaStorage(config: Config): MediaStorage {
  if (config.MEDIA_STORE === 's3') {
    return new S3MediaStorage({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
  }
  return new FileMediaStorage(path.join(config.dataDir, 'media'));
}
