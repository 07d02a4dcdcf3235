import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A real local Bluesky network (PDS + PLC + AppView) from @atproto/dev-env, on the machine's PostgreSQL
 * (its own schema) and Redis. Every test traffic stays on loopback.
 */
export interface LocalAccount {
  did: string;
  handle: string;
  password: string;
  accessJwt: string;
  appPassword: string;
}

/**
 * `rateLimits` turns on the PDS's own rate limiting (in memory), as on bsky.social, so its RateLimit-*
 * headers can be read; off by default, since the suites log in and create accounts more often than a person.
 */
export async function startBlueskyNetwork(options: { rateLimits?: boolean } = {}) {
  const tmp = mkdtempSync(path.join(process.env.CHORUS_TEST_TMP ?? os.tmpdir(), 'bsky-'));
  process.env.TMPDIR = tmp;
  process.env.REDIS_HOST ??= '127.0.0.1:6379';
  const { TestNetwork } = await import('@atproto/dev-env');
  const letters = Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('');
  const network = await TestNetwork.create({
    dbPostgresUrl: process.env.BSKY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    dbPostgresSchema: `chorus_bsky_${letters}`,
    ...(options.rateLimits ? { pds: { rateLimitsEnabled: true } } : {}),
  });
  const pds = network.pds.url;

  async function xrpc(method: 'GET' | 'POST', nsid: string, body?: unknown, token?: string): Promise<any> {
    const res = await fetch(`${pds}/xrpc/${nsid}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${nsid} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function account(name: string): Promise<LocalAccount> {
    const password = `${name}-password-${letters}`;
    const created = await xrpc('POST', 'com.atproto.server.createAccount', {
      email: `${name}@example.test`,
      handle: `${name}.test`,
      password,
    });
    const app = await xrpc(
      'POST',
      'com.atproto.server.createAppPassword',
      { name: 'chorus' },
      created.accessJwt,
    );
    return {
      did: created.did,
      handle: created.handle,
      password,
      accessJwt: created.accessJwt,
      appPassword: app.password,
    };
  }

  async function listPosts(did: string): Promise<{ uri: string; value: any }[]> {
    const res = await fetch(
      `${pds}/xrpc/com.atproto.repo.listRecords?repo=${did}&collection=app.bsky.feed.post&limit=100`,
    );
    return ((await res.json()) as { records: { uri: string; value: any }[] }).records;
  }

  return {
    network,
    pdsUrl: pds,
    xrpc,
    account,
    listPosts,
    processAll: () => network.processAll(),
    /**
     * Stops the network. Its teardown occasionally waits on idle connections for minutes; the test run
     * must not, so after 15 s the rest is left to the worker's exit.
     */
    async close() {
      await Promise.race([network.close(), new Promise((r) => setTimeout(r, 15_000).unref())]);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
