import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { testDeps } from './test-support/deps.js';
import { failure, useStandIn } from './test-support/harness.js';
import { REVOKED_TOKEN, fixture } from './test-support/stand-in.js';

/** How the Mastodon adapter reads failures from the loopback stand-in (test-support/stand-in.ts). */
const t = useStandIn();
const STATUS_ID = fixture('status').id as string;

describe('mastodon errors', () => {
  it('maps 401 to reconnect_required with advice', async () => {
    const err = await failure(
      t.adapter(t.env.deps, REVOKED_TOKEN).publisher!.publish({ idempotencyKey: 'r', text: 'hi' }),
    );
    expect(err).toMatchObject({ kind: 'reconnect_required', status: 401 });
    expect(err.message).toMatch(/The access token is invalid/);
    expect(err.message).toMatch(/Preferences → Development.*Settings → Channels/);
  });

  it("maps 422 to invalid_content carrying the server's message", async () => {
    const error = 'Validation failed: Text character limit of 500 exceeded';
    t.standIn.answerNext('POST /api/v1/statuses', { status: 422, body: { error } });
    const err = await failure(t.adapter().publisher!.publish({ idempotencyKey: '422', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'invalid_content', status: 422 });
    expect(err.message).toContain(error);
  });

  it('maps 429 to rate_limited with X-RateLimit-Reset, and then waits without sending', async () => {
    const reset = new Date(t.env.clock.now().getTime() + 90_000);
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset.toISOString() };
    t.standIn.answerNext('GET /api/v1/statuses/', {
      status: 429,
      headers,
      body: { error: 'Too many requests' },
    });
    const a = t.adapter();
    const err = await failure(a.publisher!.readBack!(STATUS_ID));
    expect(err).toMatchObject({ kind: 'rate_limited', resetAt: reset });
    const from = t.mark();
    expect(await failure(a.metrics!.posts([STATUS_ID]))).toMatchObject({
      kind: 'rate_limited',
      resetAt: reset,
    });
    expect(t.after(from)).toEqual([]);
  });

  it('refuses locally once a response says no requests remain, until the reset', async () => {
    const local = testDeps(t.standIn.host, new ManualClock(new Date()));
    const reset = new Date(local.clock.now().getTime() + 60_000);
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset.toISOString() };
    t.standIn.answerNext('GET /api/v1/statuses/', { status: 200, headers, body: fixture('status') });
    const a = t.adapter(local.deps);
    expect(await a.publisher!.readBack!(STATUS_ID)).not.toBeNull();
    const from = t.mark();
    const err = await failure(a.publisher!.publish({ idempotencyKey: 'rem0', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', resetAt: reset });
    expect(t.after(from, 'POST')).toEqual([]);
    local.clock.advance(61_000);
    await expect(a.publisher!.publish({ idempotencyKey: 'rem0', text: 'hi' })).resolves.toBeTruthy();
  });

  it('an exhausted delete budget stops only deletions', async () => {
    const a = t.adapter();
    const one = await a.publisher!.publish({ idempotencyKey: 'del-1', text: 'one' });
    const reset = new Date(t.env.clock.now().getTime() + 30 * 60_000).toISOString();
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset };
    t.standIn.answerNext('DELETE /api/v1/statuses/', { status: 200, headers, body: fixture('status') });
    await a.publisher!.delete!(one.remoteId!);
    expect(await failure(a.publisher!.delete!(one.remoteId!))).toMatchObject({ kind: 'rate_limited' });
    await expect(a.publisher!.publish({ idempotencyKey: 'del-2', text: 'two' })).resolves.toBeTruthy();
  });

  it('maps 5xx to transient, a hang to unknown_outcome, and never follows a redirect', async () => {
    const a = t.adapter();
    await a.checkHealth();
    t.standIn.failNext('server_error');
    expect((await failure(a.publisher!.publish({ idempotencyKey: '5xx', text: 'hi' }))).kind).toBe(
      'transient',
    );
    t.standIn.failNext('hang');
    expect((await failure(a.publisher!.publish({ idempotencyKey: 'hang', text: 'hi' }))).kind).toBe(
      'unknown_outcome',
    );
    t.standIn.answerNext('GET /api/v1/accounts/verify_credentials', {
      status: 302,
      headers: { location: 'http://127.0.0.2:9/collect' },
    });
    const redirected = await failure(a.checkHealth());
    expect(redirected.kind).toBe('reconnect_required');
    expect(redirected.message).toMatch(/redirects API requests elsewhere/);
    expect(t.env.violations).toEqual([]);
  });
});

describe('mastodon request budget', () => {
  it('reports the X-RateLimit budget on the health check and on every request', async () => {
    const seen: { remaining: number; limit: number }[] = [];
    const adapter = t.adapter({ ...t.env.deps, onQuota: (q) => seen.push(q) });
    const reset = new Date(Date.now() + 120_000);
    t.standIn.answerNext('GET /api/v1/accounts/verify_credentials', {
      status: 200,
      headers: {
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': '287',
        'x-ratelimit-reset': reset.toISOString(),
      },
      body: { ...fixture('account'), username: 'acme' },
    });
    const health = await adapter.checkHealth();
    expect(health.quota).toEqual({
      limit: 300,
      remaining: 287,
      resetAt: reset,
      scope: 'requests (the budget closest to running out)',
    });
    await adapter.publisher!.publish({ idempotencyKey: 'quota-1', text: 'counted' });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toMatchObject({ limit: 300 });
  });

  it('reports nothing when a server sends no budget headers', async () => {
    const seen: unknown[] = [];
    t.standIn.answerNext('GET /api/v1/accounts/verify_credentials', {
      status: 200,
      headers: { 'x-ratelimit-limit': '', 'x-ratelimit-remaining': '', 'x-ratelimit-reset': '' },
      body: { ...fixture('account'), username: 'acme' },
    });
    const health = await t.adapter({ ...t.env.deps, onQuota: (q) => seen.push(q) }).checkHealth();
    expect(health.quota).toBeUndefined();
  });
});
