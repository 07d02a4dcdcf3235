/** API calls for the media library. */

import type { MediaAsset, MediaCheckResult, MediaPage, MediaQuery, MediaUpdate, MediaUse } from '../types.js';
import { request, seg, uploadFile, ws } from './core.js';

export const mediaCalls = {
  /** The media library, newest first, with search, tag and kind filters. */
  media: (workspaceId: string, query: MediaQuery, signal?: AbortSignal) =>
    request<MediaPage>(`${ws(workspaceId)}/media`, {
      query: {
        q: query.q,
        tag: query.tag,
        kind: query.kind,
        limit: query.limit ?? 48,
        before: query.before,
      },
      signal,
    }),

  mediaAsset: (workspaceId: string, assetId: string, signal?: AbortSignal) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/${seg(assetId)}`, { signal }),

  uploadMedia: (
    workspaceId: string,
    file: File,
    options: { alt?: string; tags?: string[]; onProgress?: (fraction: number) => void; signal?: AbortSignal },
  ) => uploadFile(`${ws(workspaceId)}/media`, file, options),

  importMedia: (workspaceId: string, input: { url: string; alt?: string; tags?: string[] }) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/import`, { method: 'POST', body: input }),

  updateMedia: (workspaceId: string, assetId: string, input: MediaUpdate) =>
    request<{ asset: MediaAsset }>(`${ws(workspaceId)}/media/${seg(assetId)}`, {
      method: 'PATCH',
      body: input,
    }),

  deleteMedia: (workspaceId: string, assetId: string) =>
    request<undefined>(`${ws(workspaceId)}/media/${seg(assetId)}`, { method: 'DELETE' }),

  /** Checks media against channels' limits without saving (what the composer shows live). */
  checkMedia: (
    workspaceId: string,
    channels: { channelId: string; media: MediaUse[] }[],
    signal?: AbortSignal,
  ) =>
    request<MediaCheckResult>(`${ws(workspaceId)}/media/check`, {
      method: 'POST',
      body: { channels },
      signal,
    }),
};
