/** Shapes of the API: the media library and media checks. */

/** A file in the workspace's media library. */
export interface MediaAsset {
  id: string;
  kind: 'image' | 'video';
  /** Decided from the file's content. */
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  /** The name it was uploaded under (display only). */
  filename: string;
  alt: string;
  tags: string[];
  sourceUrl: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Authorized URLs (the session cookie is enough). */
  fileUrl: string;
  thumbnailUrl: string | null;
}

export interface MediaPage {
  assets: MediaAsset[];
  nextCursor: string | null;
  /** Every tag in the workspace's library, with how many assets carry it. */
  tags: { tag: string; count: number }[];
}

export interface MediaQuery {
  q?: string;
  tag?: string;
  kind?: 'image' | 'video' | '';
  limit?: number;
  before?: string | null;
}

/** One use of a library asset in a post; `alt` overrides the asset's alt text for this use. */
export interface MediaUse {
  assetId: string;
  alt?: string;
}

export interface MediaUpdate {
  alt?: string;
  tags?: string[];
  filename?: string;
}

export interface MediaCheckResult {
  ok: boolean;
  channels: {
    channelId: string;
    channel: string;
    issues: { index: number | null; assetId: string | null; message: string }[];
  }[];
}
