import { z } from 'zod';
import type { NetworkDefinition } from '../contract.js';
import { MastodonClient, type MastodonCredential } from './client.js';
import { mastodonInbox } from './inbox.js';
import { MASTODON_LIMITS } from './limits.js';
import { mastodonPublisher } from './publish.js';
import { mastodonMetrics, mastodonProfile, mastodonSearch } from './read.js';
import { Account, parseBody } from './schemas.js';

/**
 * Mastodon (and servers speaking its REST API), connected with the server's address and an access token
 * pasted from Preferences → Development. Registering Chorus as an OAuth application and the authorization
 * code flow (https://docs.joinmastodon.org/client/token/) are not built yet: a person creates the token.
 * Verified against a loopback stand-in answering with the documented entities (fixtures/), in
 * src/networks/mastodon/mastodon.test.ts.
 */
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

const Credential = z.strictObject({
  instance: z
    .preprocess(
      (v) =>
        typeof v === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? `https://${v.trim()}` : v,
      z.url({
        protocol: /^https?$/,
        error: 'Enter the address of the Mastodon server, for example https://mastodon.social',
      }),
    )
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || LOOPBACK.test(url.hostname);
    }, 'The Mastodon server address must start with https://')
    .transform((u) => new URL(u).origin),
  accessToken: z
    .string()
    .trim()
    .min(20, 'Paste the access token from Mastodon → Preferences → Development → your application.'),
});

export type { MastodonCredential };

export const mastodonNetwork: NetworkDefinition<MastodonCredential> = {
  limits: MASTODON_LIMITS,
  capabilities: ['publish', 'read_back', 'delete', 'inbox', 'metrics', 'search', 'profile'],
  metadata: {
    id: 'mastodon',
    name: 'Mastodon',
    docsUrl: 'https://docs.joinmastodon.org/methods/statuses/',
    auth: {
      kind: 'access_token',
      fields: [
        {
          name: 'instance',
          label: 'Server address',
          secret: false,
          help: 'The address of the Mastodon server the account lives on, for example https://mastodon.social',
        },
        {
          name: 'accessToken',
          label: 'Access token',
          secret: true,
          help: 'Mastodon → Preferences → Development → New application (scopes read and write) → Your access token',
        },
      ],
    },
    verification: 'fixtures',
  },
  parseCredential: (input) => Credential.parse(input),
  create(credential, deps) {
    const client = new MastodonClient(credential, deps);
    const publisher = mastodonPublisher(client);
    return {
      metadata: mastodonNetwork.metadata,
      /** Mastodon's defaults until the server's own limits are read (on the first publish or health check). */
      get limits() {
        return client.limits;
      },
      async checkHealth() {
        await client.loadLimits();
        const me = parseBody(
          Account,
          await client.call('GET', '/api/v1/accounts/verify_credentials'),
          'GET /api/v1/accounts/verify_credentials',
        );
        client.username = me.username;
        return { ok: true, account: `@${me.username}@${client.domain}` };
      },
      publisher,
      inbox: mastodonInbox(client, publisher),
      metrics: mastodonMetrics(client),
      search: mastodonSearch(client),
      profile: mastodonProfile(client),
    };
  },
};
