import { describe, expect, it } from 'vitest';
import { quotaFromRateLimitHeaders } from './errors.js';

/**
 * The PDS rate-limit headers as @atproto/xrpc-server sets them (RateLimit-Limit, -Remaining, -Reset in
 * epoch seconds, -Policy "limit;w=seconds"). test/peers/bluesky-channel.test.ts reads them from a real
 * local PDS with rate limits on; this covers the windows and malformed headers it does not produce.
 */
describe('bluesky request budget', () => {
  it('reads the points budget and its window', () => {
    expect(
      quotaFromRateLimitHeaders({
        'ratelimit-limit': '5000',
        'ratelimit-remaining': '4991',
        'ratelimit-reset': '1795000000',
        'ratelimit-policy': '5000;w=3600',
      }),
    ).toEqual({
      limit: 5000,
      remaining: 4991,
      resetAt: new Date(1_795_000_000_000),
      scope: 'points per hour',
    });
    expect(
      quotaFromRateLimitHeaders({
        'ratelimit-limit': '35000',
        'ratelimit-remaining': '0',
        'ratelimit-policy': '35000;w=86400',
      }),
    ).toMatchObject({ remaining: 0, resetAt: null, scope: 'points per day' });
  });

  it('reports nothing without the headers, or with malformed ones', () => {
    expect(quotaFromRateLimitHeaders({})).toBeUndefined();
    expect(
      quotaFromRateLimitHeaders({ 'ratelimit-limit': 'lots', 'ratelimit-remaining': '3' }),
    ).toBeUndefined();
  });
});
