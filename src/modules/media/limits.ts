import type { MediaLimits } from '../../networks/contract.js';
import { ACCEPTED_TYPES, formatBytes } from './inspect.js';
import type { MediaAsset } from './media.repository.js';

/** One use of a library asset in a post: which asset, and the alt text for this use (the asset's if absent). */
export interface MediaUse {
  assetId: string;
  alt?: string | undefined;
}

export interface MediaIssue {
  /** 0-based position of the item in the channel's media, or null for the whole list. */
  index: number | null;
  assetId: string | null;
  message: string;
}

const label = (mime: string) => ACCEPTED_TYPES[mime]?.label ?? mime;
const seconds = (s: number) => `${Math.round(s * 10) / 10} seconds`;

/**
 * Checks the media of one channel's version of a post against the network's declared limits, with
 * messages that say which item, what is wrong and what to do ("<Network>: image 2 (photo.png) is 1.4 MB;
 * <Network> takes at most 1 MB — resize it or choose another").
 */
export function mediaIssues(
  network: string,
  limits: MediaLimits,
  items: readonly { asset: MediaAsset; alt: string }[],
): MediaIssue[] {
  if (items.length === 0) return [];
  if (limits.maxItems === 0 || limits.types.length === 0) {
    return [
      {
        index: null,
        assetId: null,
        message: `${network} takes no media: remove the ${items.length === 1 ? 'attached item' : `${items.length} attached items`} for this channel.`,
      },
    ];
  }
  const issues: MediaIssue[] = [];
  if (items.length > limits.maxItems) {
    issues.push({
      index: null,
      assetId: null,
      message: `${network}: ${items.length} media items are attached; ${network} takes at most ${limits.maxItems} — remove ${items.length - limits.maxItems}.`,
    });
  }
  items.forEach(({ asset, alt }, i) => {
    const which = `${asset.kind} ${i + 1} (${asset.filename})`;
    const at = (message: string) => issues.push({ index: i, assetId: asset.id, message });
    if (!limits.types.includes(asset.mimeType)) {
      at(
        `${network}: ${which} is ${label(asset.mimeType)}; ${network} takes ${limits.types.map(label).join(', ')} — convert it or choose another.`,
      );
    }
    if (asset.bytes > limits.maxBytes) {
      at(
        `${network}: ${which} is ${formatBytes(asset.bytes)}; ${network} takes at most ${formatBytes(limits.maxBytes)} — ${asset.kind === 'image' ? 'resize it' : 'shorten or compress it'} or choose another.`,
      );
    }
    if (
      asset.kind === 'video' &&
      limits.maxVideoSeconds !== undefined &&
      asset.durationMs !== null &&
      asset.durationMs / 1000 > limits.maxVideoSeconds
    ) {
      at(
        `${network}: ${which} is ${seconds(asset.durationMs / 1000)} long; ${network} takes at most ${seconds(limits.maxVideoSeconds)} — trim it or choose another.`,
      );
    }
    if (limits.altTextMax !== undefined && [...alt].length > limits.altTextMax) {
      at(
        `${network}: the alt text of ${which} is ${[...alt].length} characters; ${network} takes at most ${limits.altTextMax} — shorten it.`,
      );
    }
  });
  return issues;
}
