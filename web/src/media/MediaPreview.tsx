import type { MediaAsset } from '../types.js';
import { formatDuration } from './media-format.js';

/** A thumbnail of an image, or a labelled tile for a video (videos have no thumbnail). */
export function MediaPreview({ asset, alt }: { asset: MediaAsset; alt?: string }) {
  if (asset.thumbnailUrl) {
    return (
      <img
        className="media-thumb"
        src={asset.thumbnailUrl}
        alt={alt ?? asset.alt}
        loading="lazy"
        width={asset.width && asset.height ? Math.min(320, asset.width) : undefined}
        height={
          asset.width && asset.height
            ? Math.round((Math.min(320, asset.width) * asset.height) / asset.width)
            : undefined
        }
      />
    );
  }
  return (
    <div
      className="media-thumb media-video"
      role="img"
      aria-label={alt || asset.alt || `Video ${asset.filename}`}
    >
      <span aria-hidden="true">▶</span>
      {asset.durationSeconds !== null ? (
        <span className="media-duration">{formatDuration(asset.durationSeconds)}</span>
      ) : null}
    </div>
  );
}
