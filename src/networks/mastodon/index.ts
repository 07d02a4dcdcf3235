import type { NetworkDefinition } from '../contract.js';
import { MastodonClient } from './client.js';
import { MastodonCredentialSchema, type MastodonCredential } from './credential.js';
import { mastodonOAuth } from './oauth.js';
import { mastodonInbox } from './inbox.js';
import { MASTODON_LIMITS } from './limits.js';
import { mastodonPublisher } from './publish.js';
import { mastodonPostOptions } from './options.js';
import { mastodonMetrics, mastodonProfile, mastodonSearch } from './read.js';
import { Account, parseBody } from './schemas.js';
import { quotaFromHeaders } from './errors.js';

/**
 * Mastodon (and servers speaking its REST API): connected by signing in on the person's server (OAuth
 * with PKCE, oauth.ts) or with an access token pasted from Preferences → Development. Verified against a
 * loopback stand-in answering with the documented entities (fixtures/), in src/networks/mastodon/*.test.ts.
 */
export type { MastodonCredential };

export const mastodonNetwork: NetworkDefinition<MastodonCredential> = {
  limits: MASTODON_LIMITS,
  capabilities: ['publish', 'read_back', 'delete', 'inbox', 'metrics', 'search', 'profile'],
  metadata: {
    id: 'mastodon',
    name: 'Mastodon',
    docsUrl: 'https://docs.joinmastodon.org/methods/statuses/',
    preview: 'mastodon',
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
  parseCredential: (input) => MastodonCredentialSchema.parse(input),
  oauth: mastodonOAuth,
  postOptions: mastodonPostOptions,
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
        const res = await client.request('GET', '/api/v1/accounts/verify_credentials');
        const me = parseBody(Account, res.body, 'GET /api/v1/accounts/verify_credentials');
        client.username = me.username;
        const quota = quotaFromHeaders(res.headers);
        const expiresAt = await client.tokenExpiresAt();
        return {
          ok: true,
          account: `@${me.username}@${client.domain}`,
          ...(quota ? { quota } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        };
      },
      publisher,
      inbox: mastodonInbox(client, publisher),
      metrics: mastodonMetrics(client),
      search: mastodonSearch(client),
      profile: mastodonProfile(client),
    };
  },
};
