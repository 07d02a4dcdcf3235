import { z } from 'zod';
import { countGraphemes, type NetworkDefinition, type NetworkLimits } from '../contract.js';
import { BlueskyClient, type BlueskyCredential } from './client.js';
import { blueskyPostOptions, blueskyPublisher } from './publish.js';
import { blueskyInbox } from './inbox.js';
import { Posts, Profile, SearchPosts } from './schemas.js';

/**
 * Bluesky (AT Protocol), with a handle and an app password on any PDS (default bsky.social).
 * Verified against a real local network (@atproto/dev-env) in src/networks/bluesky/bluesky.peer.test.ts.
 */
const Credential = z.strictObject({
  service: z.url({ protocol: /^https?$/ }).default('https://bsky.social'),
  identifier: z
    .string()
    .trim()
    .min(3)
    .transform((h) => h.replace(/^@/, '')),
  appPassword: z
    .string()
    .min(8, 'Paste an app password from Bluesky → Settings → Privacy and security → App passwords.'),
});

const BLUESKY_LIMITS: NetworkLimits = {
  // 300 graphemes: https://docs.bsky.app/docs/advanced-guides/post-richtext (app.bsky.feed.post text maxGraphemes)
  text: { max: 300, unit: 'graphemes', count: countGraphemes },
  // app.bsky.embed.images: up to 4 images of up to 1,000,000 bytes each
  media: {
    maxItems: 4,
    types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
    maxBytes: 1_000_000,
    altTextMax: 2000,
  },
  threads: true,
  firstComment: false,
  // 5,000 points per hour per account, a create costs 3: https://docs.bsky.app/docs/advanced-guides/rate-limits
  rate: [{ requests: 1666, perSeconds: 3600, scope: 'channel' }],
};

export const blueskyNetwork: NetworkDefinition<BlueskyCredential> = {
  limits: BLUESKY_LIMITS,
  capabilities: ['publish', 'read_back', 'delete', 'inbox', 'metrics', 'search', 'profile'],
  metadata: {
    id: 'bluesky',
    name: 'Bluesky',
    docsUrl: 'https://docs.bsky.app/docs/category/http-reference',
    preview: 'bluesky',
    auth: {
      kind: 'app_password',
      fields: [
        { name: 'identifier', label: 'Handle', secret: false, help: 'For example acme.bsky.social' },
        {
          name: 'appPassword',
          label: 'App password',
          secret: true,
          help: 'Bluesky → Settings → Privacy and security → App passwords',
        },
        {
          name: 'service',
          label: 'Server (PDS) URL',
          secret: false,
          help: 'Leave https://bsky.social unless the account lives on another server.',
        },
      ],
    },
    verification: 'local_peer',
  },
  parseCredential: (input) => Credential.parse(input),
  postOptions: blueskyPostOptions,
  create(credential, deps) {
    const client = new BlueskyClient(credential, deps);
    const publisher = blueskyPublisher(client);
    return {
      metadata: blueskyNetwork.metadata,
      limits: BLUESKY_LIMITS,
      async checkHealth() {
        const session = await client.session();
        await client.call('GET', 'com.atproto.server.getSession');
        return { ok: true, account: `@${session.handle}` };
      },
      publisher,
      inbox: blueskyInbox(client, publisher),
      metrics: {
        async posts(remoteIds) {
          const out: Record<string, { likes: number; reposts: number; replies: number; quotes: number }> = {};
          for (let i = 0; i < remoteIds.length; i += 25) {
            const page = Posts.parse(
              await client.call('GET', 'app.bsky.feed.getPosts', {
                params: { uris: remoteIds.slice(i, i + 25) },
              }),
            );
            for (const p of page.posts) {
              out[p.uri] = {
                likes: p.likeCount ?? 0,
                reposts: p.repostCount ?? 0,
                replies: p.replyCount ?? 0,
                quotes: p.quoteCount ?? 0,
              };
            }
          }
          return out;
        },
      },
      search: {
        async posts(query, options = {}) {
          const res = SearchPosts.parse(
            await client.call('GET', 'app.bsky.feed.searchPosts', {
              params: {
                q: query,
                sort: 'latest',
                limit: String(Math.min(options.limit ?? 25, 100)),
                ...(options.cursor ? { cursor: options.cursor } : {}),
              },
            }),
          );
          return {
            cursor: res.cursor ?? null,
            hits: res.posts.map((p) => ({
              remoteId: p.uri,
              author: {
                id: p.author.did,
                handle: p.author.handle,
                displayName: p.author.displayName ?? null,
              },
              text: p.record.text ?? '',
              createdAt: new Date(p.record.createdAt ?? p.indexedAt),
              url: `https://bsky.app/profile/${p.author.handle}/post/${p.uri.split('/').pop() ?? ''}`,
              metrics: {
                likes: p.likeCount ?? 0,
                reposts: p.repostCount ?? 0,
                replies: p.replyCount ?? 0,
                quotes: p.quoteCount ?? 0,
              },
            })),
          };
        },
      },
      profile: {
        async get(handle) {
          const p = Profile.parse(
            await client.call('GET', 'app.bsky.actor.getProfile', {
              params: { actor: handle.replace(/^@/, '') },
            }),
          );
          return {
            id: p.did,
            handle: p.handle,
            displayName: p.displayName ?? null,
            followers: p.followersCount ?? 0,
            following: p.followsCount ?? 0,
            posts: p.postsCount ?? 0,
          };
        },
      },
    };
  },
};
