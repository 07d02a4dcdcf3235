import { z } from 'zod';

/**
 * Shapes of the XRPC responses Chorus reads, parsed at the boundary. Reference:
 * https://docs.bsky.app/docs/api/com-atproto-server-create-session and the pages beside it.
 */

// https://docs.bsky.app/docs/api/com-atproto-server-create-session
export const Session = z.object({
  did: z.string().startsWith('did:'),
  handle: z.string(),
  accessJwt: z.string(),
  refreshJwt: z.string(),
});
export type Session = z.infer<typeof Session>;

// https://docs.bsky.app/docs/api/com-atproto-repo-create-record
export const CreatedRecord = z.object({ uri: z.string().startsWith('at://'), cid: z.string() });

// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
export const Record = z.object({
  uri: z.string(),
  cid: z.string().optional(),
  value: z.object({ text: z.string().optional() }).passthrough(),
});

// https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob
export const UploadedBlob = z.object({
  blob: z.object({
    $type: z.literal('blob'),
    ref: z.object({ $link: z.string() }),
    mimeType: z.string(),
    size: z.number(),
  }),
});

// https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
export const ResolvedHandle = z.object({ did: z.string().startsWith('did:') });

// https://docs.bsky.app/docs/api/app-bsky-feed-get-posts
export const Posts = z.object({
  posts: z.array(
    z.object({
      uri: z.string(),
      likeCount: z.number().optional(),
      repostCount: z.number().optional(),
      replyCount: z.number().optional(),
      quoteCount: z.number().optional(),
    }),
  ),
});

// https://docs.bsky.app/docs/api/app-bsky-actor-get-profile
export const Profile = z.object({
  did: z.string(),
  handle: z.string(),
  displayName: z.string().optional(),
  followersCount: z.number().optional(),
  followsCount: z.number().optional(),
  postsCount: z.number().optional(),
});

// XRPC error body: https://atproto.com/specs/xrpc#error-responses
export const XrpcError = z.object({ error: z.string(), message: z.string().optional() });

// https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
export const Notifications = z.object({
  cursor: z.string().optional(),
  notifications: z.array(
    z.object({
      uri: z.string(),
      cid: z.string(),
      author: z.object({ did: z.string(), handle: z.string(), displayName: z.string().optional() }),
      reason: z.string(),
      record: z
        .object({
          text: z.string().optional(),
          createdAt: z.string().optional(),
          reply: z
            .object({
              root: z.object({ uri: z.string(), cid: z.string() }),
              parent: z.object({ uri: z.string(), cid: z.string() }),
            })
            .optional(),
        })
        .passthrough(),
      indexedAt: z.string(),
    }),
  ),
});

// https://docs.bsky.app/docs/api/app-bsky-feed-search-posts
export const SearchPosts = z.object({
  cursor: z.string().optional(),
  posts: z.array(
    z.object({
      uri: z.string(),
      author: z.object({ did: z.string(), handle: z.string(), displayName: z.string().optional() }),
      record: z.object({ text: z.string().optional(), createdAt: z.string().optional() }).passthrough(),
      indexedAt: z.string(),
      likeCount: z.number().optional(),
      repostCount: z.number().optional(),
      replyCount: z.number().optional(),
      quoteCount: z.number().optional(),
    }),
  ),
});
