import type { MetricsReader, PostMetrics, ProfileReader, SearchHit, SearchReader } from '../contract.js';
import { NetworkError } from '../errors.js';
import type { MastodonClient } from './client.js';
import { fullAcct } from './inbox.js';
import { Account, Search, Status, Statuses, parseBody } from './schemas.js';
import { compareIds, htmlToText } from './text.js';

const metricsOf = (s: Status): PostMetrics => ({
  likes: s.favourites_count,
  reposts: s.reblogs_count,
  replies: s.replies_count,
  quotes: 0,
});

/** Counts per status from GET /api/v1/statuses/:id (https://docs.joinmastodon.org/methods/statuses/#get). */
export function mastodonMetrics(client: MastodonClient): MetricsReader {
  return {
    async posts(remoteIds) {
      const out: Record<string, PostMetrics> = {};
      for (const id of remoteIds) {
        try {
          const status = parseBody(
            Status,
            await client.call('GET', `/api/v1/statuses/${encodeURIComponent(id)}`),
            'GET /api/v1/statuses/:id',
          );
          out[id] = metricsOf(status);
        } catch (error) {
          if (error instanceof NetworkError && error.status === 404) continue;
          throw error;
        }
      }
      return out;
    },
  };
}

/**
 * A single #hashtag reads the hashtag timeline (https://docs.joinmastodon.org/methods/timelines/#tag); any
 * other query uses full-text search (https://docs.joinmastodon.org/methods/search/#v2), which finds only what
 * the server has indexed and the account may see.
 */
export function mastodonSearch(client: MastodonClient): SearchReader {
  const toHit = (s: Status): SearchHit => ({
    remoteId: s.id,
    author: {
      id: s.account.id,
      handle: fullAcct(s.account.acct, client.domain),
      displayName: s.account.display_name || null,
    },
    text: htmlToText(s.content),
    createdAt: new Date(s.created_at),
    url: s.url ?? s.uri,
    metrics: metricsOf(s),
  });
  return {
    async posts(query, options = {}) {
      await client.loadLimits(); // the instance document names the domain of local handles
      const limit = Math.min(Math.max(options.limit ?? 20, 1), 40);
      const page = { limit: String(limit), ...(options.cursor ? { max_id: options.cursor } : {}) };
      const tag = /^#([\p{L}\p{N}_]+)$/u.exec(query.trim());
      const statuses = tag
        ? parseBody(
            Statuses,
            await client.call('GET', `/api/v1/timelines/tag/${encodeURIComponent(tag[1]!)}`, { query: page }),
            'GET /api/v1/timelines/tag/:hashtag',
          )
        : parseBody(
            Search,
            await client.call('GET', '/api/v2/search', { query: { q: query, type: 'statuses', ...page } }),
            'GET /api/v2/search',
          ).statuses;
      const sorted = [...statuses].sort((a, b) => compareIds(b.id, a.id));
      return {
        hits: sorted.map(toHit),
        cursor: statuses.length >= limit ? (sorted.at(-1)?.id ?? null) : null,
      };
    },
  };
}

/**
 * GET /api/v1/accounts/lookup (https://docs.joinmastodon.org/methods/accounts/#lookup) knows only accounts the
 * server has seen; a remote account it has not is resolved through search (resolve=true, WebFinger).
 */
export function mastodonProfile(client: MastodonClient): ProfileReader {
  async function find(acct: string): Promise<Account> {
    try {
      const body = await client.call('GET', '/api/v1/accounts/lookup', { query: { acct } });
      return parseBody(Account, body, 'GET /api/v1/accounts/lookup');
    } catch (error) {
      if (!(error instanceof NetworkError && error.status === 404 && acct.includes('@'))) throw error;
      const found = parseBody(
        Search,
        await client.call('GET', '/api/v2/search', {
          query: { q: `@${acct}`, type: 'accounts', resolve: 'true', limit: '1' },
        }),
        'GET /api/v2/search',
      ).accounts.find((a) => a.acct.toLowerCase() === acct.toLowerCase());
      if (!found)
        throw new NetworkError('mastodon', 'invalid_content', `No Mastodon account @${acct} was found.`);
      return found;
    }
  }
  return {
    async get(handle) {
      await client.loadLimits();
      const account = await find(handle.trim().replace(/^@/, ''));
      return {
        id: account.id,
        handle: fullAcct(account.acct, client.domain),
        displayName: account.display_name || null,
        followers: account.followers_count,
        following: account.following_count,
        posts: account.statuses_count,
      };
    },
  };
}
