import type { NetworkLimits } from '../contract.js';
import type { InstanceV2 } from './schemas.js';
import { mastodonCounter } from './text.js';

/**
 * Mastodon's defaults (https://docs.joinmastodon.org/user/posting/): 500 characters, links counted as 23,
 * 4 attachments, images up to 16 MB, alt text up to 1,500 characters. Every server may change them; the
 * adapter reads the server's own numbers from GET /api/v2/instance on first use.
 */
export const MASTODON_LIMITS: NetworkLimits = {
  text: {
    max: 500,
    unit: 'graphemes',
    count: mastodonCounter(23),
    rules: { linkLength: 23, remoteMentionCountsUser: true },
  },
  media: {
    maxItems: 4,
    types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4'],
    maxBytes: 16 * 1024 * 1024,
    altTextMax: 1500,
  },
  threads: true,
  firstComment: false,
  // 300 requests per 5 minutes per account: https://docs.joinmastodon.org/api/rate-limits/
  rate: [{ requests: 300, perSeconds: 300, scope: 'channel' }],
};

/** A server's poll limits (https://docs.joinmastodon.org/entities/Instance/#polls); Mastodon's by default. */
export interface PollLimits {
  maxOptions: number;
  maxCharactersPerOption: number;
  minExpiration: number;
  maxExpiration: number;
}

export const MASTODON_POLL_LIMITS: PollLimits = {
  maxOptions: 4,
  maxCharactersPerOption: 50,
  minExpiration: 300,
  maxExpiration: 2_629_746,
};

/** The limits a server declares in its instance document, each falling back to Mastodon's default. */
export function limitsFromInstance(instance: InstanceV2): { limits: NetworkLimits; polls: PollLimits } {
  const statuses = instance.configuration?.statuses;
  const media = instance.configuration?.media_attachments;
  const polls = instance.configuration?.polls;
  const base = MASTODON_LIMITS;
  return {
    limits: {
      ...base,
      text: {
        max: statuses?.max_characters ?? base.text.max,
        unit: 'graphemes',
        count: mastodonCounter(statuses?.characters_reserved_per_url ?? 23),
        rules: { linkLength: statuses?.characters_reserved_per_url ?? 23, remoteMentionCountsUser: true },
      },
      media: {
        maxItems: statuses?.max_media_attachments ?? base.media.maxItems,
        types: media?.supported_mime_types ?? base.media.types,
        maxBytes: media?.image_size_limit ?? base.media.maxBytes,
        altTextMax: media?.description_limit ?? base.media.altTextMax!,
      },
    },
    polls: {
      maxOptions: polls?.max_options ?? MASTODON_POLL_LIMITS.maxOptions,
      maxCharactersPerOption: polls?.max_characters_per_option ?? MASTODON_POLL_LIMITS.maxCharactersPerOption,
      minExpiration: polls?.min_expiration ?? MASTODON_POLL_LIMITS.minExpiration,
      maxExpiration: polls?.max_expiration ?? MASTODON_POLL_LIMITS.maxExpiration,
    },
  };
}
