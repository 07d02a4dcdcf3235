import { AppError } from '../../core/errors.js';
import type { Actor } from '../audit/audit.service.js';
import type { WorkspaceAccess } from '../workspaces/workspaces.service.js';

/**
 * What an import needs from the media library: whether media ids in a file name assets of the workspace
 * (and what they are, to check them against each network's limits), and to bring a media URL into the
 * library. Fetching goes through safe-fetch inside the library (no private or loopback destinations unless
 * EGRESS_ALLOW_PRIVATE, every redirect checked again, size and time capped); a refused or failed fetch
 * rejects with a message saying what was wrong.
 */
export interface MediaAssetInfo {
  id: string;
  mimeType: string;
  bytes: number;
}

export interface MediaSource {
  /** The workspace's assets among `ids`; ids of other workspaces or of nothing are left out. */
  find(access: WorkspaceAccess, ids: readonly string[]): Promise<Map<string, MediaAssetInfo>>;
  /** Fetches `url` into the workspace's media library. */
  fromUrl(access: WorkspaceAccess, actor: Actor, url: string): Promise<MediaAssetInfo>;
}

/** The part of the media library an import uses (its `MediaService`, whose `uploads` add files). */
export interface MediaLibrary {
  get(access: WorkspaceAccess, id: string): Promise<MediaAssetInfo>;
  uploads: { importFromUrl(access: WorkspaceAccess, actor: Actor, url: string): Promise<MediaAssetInfo> };
}

/** The media library as an import's media source. */
export function mediaLibrarySource(library: MediaLibrary): MediaSource {
  return {
    async find(access, ids) {
      const found = new Map<string, MediaAssetInfo>();
      for (const id of ids) {
        const asset = await library.get(access, id).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'not_found') return undefined;
          throw error;
        });
        if (asset) found.set(asset.id, { id: asset.id, mimeType: asset.mimeType, bytes: asset.bytes });
      }
      return found;
    },
    async fromUrl(access, actor, url) {
      const asset = await library.uploads.importFromUrl(access, actor, url);
      return { id: asset.id, mimeType: asset.mimeType, bytes: asset.bytes };
    },
  };
}
