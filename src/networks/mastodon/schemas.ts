import { z } from 'zod';
import { NetworkError, type NetworkErrorKind } from '../errors.js';

/**
 * Shapes of the Mastodon REST responses Chorus reads, parsed at the boundary. Only the fields Chorus uses
 * are declared; everything else a server sends is ignored. Reference: https://docs.joinmastodon.org/entities/
 */

// https://docs.joinmastodon.org/entities/Account/
export const Account = z.object({
  id: z.string(),
  username: z.string(),
  acct: z.string(),
  display_name: z.string(),
  url: z.string().nullable().optional(),
  followers_count: z.number(),
  following_count: z.number(),
  statuses_count: z.number(),
});
export type Account = z.infer<typeof Account>;

// https://docs.joinmastodon.org/entities/Status/
export const Status = z.object({
  id: z.string(),
  uri: z.string(),
  url: z.string().nullable(),
  created_at: z.string(),
  account: Account,
  content: z.string(),
  // public | unlisted | private | direct (kept as a string: servers speaking this API add their own)
  visibility: z.string(),
  spoiler_text: z.string(),
  in_reply_to_id: z.string().nullable(),
  replies_count: z.number(),
  reblogs_count: z.number(),
  favourites_count: z.number(),
});
export type Status = z.infer<typeof Status>;
export const Statuses = z.array(Status);

// https://docs.joinmastodon.org/entities/MediaAttachment/ (url is null while POST /api/v2/media still processes)
export const MediaAttachment = z.object({
  id: z.string(),
  type: z.string(),
  url: z.string().nullable(),
  preview_url: z.string().nullable(),
  description: z.string().nullable(),
});

// https://docs.joinmastodon.org/entities/Notification/ (status is absent for follows and similar types)
export const Notification = z.object({
  id: z.string(),
  type: z.string(),
  created_at: z.string(),
  account: Account,
  status: Status.nullable().optional(),
});
export type Notification = z.infer<typeof Notification>;
export const Notifications = z.array(Notification);

// https://docs.joinmastodon.org/entities/Instance/ (GET /api/v2/instance). Limits are optional so servers that
// implement the API partly still connect; a missing limit falls back to Mastodon's default.
export const InstanceV2 = z.object({
  domain: z.string(),
  configuration: z
    .object({
      statuses: z
        .object({
          max_characters: z.number().int().positive().optional(),
          max_media_attachments: z.number().int().nonnegative().optional(),
          characters_reserved_per_url: z.number().int().nonnegative().optional(),
        })
        .optional(),
      media_attachments: z
        .object({
          supported_mime_types: z.array(z.string()).optional(),
          image_size_limit: z.number().int().positive().optional(),
          // added in Mastodon 4.4
          description_limit: z.number().int().positive().optional(),
        })
        .optional(),
      polls: z
        .object({
          max_options: z.number().int().positive().optional(),
          max_characters_per_option: z.number().int().positive().optional(),
          min_expiration: z.number().int().nonnegative().optional(),
          max_expiration: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type InstanceV2 = z.infer<typeof InstanceV2>;

// https://docs.joinmastodon.org/entities/Search/ (GET /api/v2/search)
export const Search = z.object({
  accounts: z.array(Account),
  statuses: z.array(Status),
  hashtags: z.array(z.unknown()),
});

// https://docs.joinmastodon.org/entities/Error/
export const ErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** Parses a 2xx body; a body that is not the documented shape becomes a NetworkError of the given kind. */
export function parseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
  what: string,
  kind: NetworkErrorKind = 'transient',
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0]?.path.join('.') || 'body';
  throw new NetworkError(
    'mastodon',
    kind,
    `Mastodon answered ${what} in an unexpected shape (${where}: ${parsed.error.issues[0]?.message ?? 'invalid'}).`,
  );
}
