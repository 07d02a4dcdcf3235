import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/core/logger.js';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit.service.js';
import { startRuntime } from '../src/runtime/runtime.js';
import { arg, benchConfig, quantile } from './support.js';

/**
 * `npm run bench -- calendar [--db pglite|postgres] [--posts N] [--requests R] [--json FILE]`
 *
 * One workspace with N posts in the month measured (spread over 4 channels, with tags), N more in each of
 * the months before and after, and another workspace with 2 N in the same month. Then R calendar requests
 * over HTTP (a personal API token, the real server on loopback): the whole month, and the month filtered to
 * one channel and a tag. Reports latency p50/p95/max per query and the entries returned. Target: the month
 * of 10,000 posts in ≤ 50 ms p95.
 */

export async function calendar(args: string[]): Promise<Record<string, unknown>[]> {
  const db = arg(args, 'db', 'pglite');
  const posts = Number(arg(args, 'posts', '10000'));
  const requests = Number(arg(args, 'requests', '200'));
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');

  // A loopback endpoint that accepts the channels' connection check.
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;

  const { config, cleanup } = await benchConfig(db, {
    PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
    HOST: '127.0.0.1',
  });
  const runtime = await startRuntime(config, 'all', createLogger('silent'));
  const { services, database } = runtime;
  try {
    const setup = async (label: string) => {
      const owner = await services.setup.createOwner(
        {
          name: label,
          email: `${label}@example.test`,
          password: 'a long bench password 42',
          organizationName: label,
          workspaceName: label,
          timezone: 'Europe/Berlin',
        },
        SYSTEM_ACTOR,
      );
      const access = (await services.workspaces.accessOf(owner.user.id, owner.workspace.id))!;
      const channels: string[] = [];
      for (let i = 0; i < 4; i++) {
        const ch = await services.channels.connect(
          access,
          { ...SYSTEM_ACTOR, userId: owner.user.id },
          {
            network: 'webhook',
            name: `${label} ${i}`,
            credential: { url: `${hookUrl}/${label}/${i}`, secret: 'bench-signing-secret-000' },
          },
        );
        channels.push(ch.id);
      }
      return { owner, channels };
    };
    /** N posts (one delivery each, round-robin over the channels) spread evenly over [from, to). */
    const fill = async (
      workspaceId: string,
      userId: string,
      channels: string[],
      n: number,
      from: Date,
      to: Date,
    ) => {
      const step = (to.getTime() - from.getTime()) / n;
      await database.executeSql(
        `WITH src AS (
           SELECT gen_random_uuid() AS post_id, gen_random_uuid() AS variant_id, g,
             $3::timestamptz + (g * $4::double precision) * interval '1 millisecond' AS at
           FROM generate_series(0, $5::int - 1) AS g
         ), p AS (
           INSERT INTO posts (id, workspace_id, body, tags, created_by, updated_at, scheduled_at)
           SELECT post_id, $1, 'Benchmark post ' || g || ' with a little text to look like a real one',
             CASE WHEN g % 10 = 0 THEN '["launch"]'::jsonb ELSE '[]'::jsonb END, $2, now(), at
           FROM src
         ), v AS (
           INSERT INTO post_variants (id, post_id, channel_id)
           SELECT variant_id, post_id, ($7::uuid[])[(g % $6::int) + 1] FROM src
         )
         INSERT INTO deliveries (id, workspace_id, post_id, variant_id, channel_id, state, due_at, idempotency_key, updated_at)
         SELECT gen_random_uuid(), $1, post_id, variant_id, ($7::uuid[])[(g % $6::int) + 1], 'scheduled', at,
           'bench-' || variant_id, now()
         FROM src`,
        [workspaceId, userId, from.toISOString(), step, n, channels.length, `{${channels.join(',')}}`],
      );
    };
    const month = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-04-01T00:00:00Z') };
    const a = await setup('alpha');
    const b = await setup('beta');
    const seedStart = performance.now();
    await fill(
      a.owner.workspace.id,
      a.owner.user.id,
      a.channels,
      posts,
      new Date('2031-02-01T00:00:00Z'),
      month.from,
    );
    await fill(a.owner.workspace.id, a.owner.user.id, a.channels, posts, month.from, month.to);
    await fill(
      a.owner.workspace.id,
      a.owner.user.id,
      a.channels,
      posts,
      month.to,
      new Date('2031-05-01T00:00:00Z'),
    );
    await fill(b.owner.workspace.id, b.owner.user.id, b.channels, 2 * posts, month.from, month.to);
    if (db === 'postgres') await database.executeSql('ANALYZE', []);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const { secret } = await services.tokens.create(
      a.owner.user.id,
      { name: 'bench', workspaceIds: [a.owner.workspace.id], permissions: ['posts.read'] },
      SYSTEM_ACTOR,
    );
    const base = `http://127.0.0.1:${runtime.port}/api/v1/workspaces/${a.owner.workspace.id}/calendar`;
    const range = `from=${month.from.toISOString()}&to=${month.to.toISOString()}`;
    const queries = {
      'month: day counts + first page': `${base}?${range}`,
      'month, one channel + tag': `${base}?${range}&channelIds=${a.channels[0]}&tag=launch`,
    };
    const rows: Record<string, unknown>[] = [];
    for (const [name, url] of Object.entries(queries)) {
      const times: number[] = [];
      let entries = 0;
      let bytes = 0;
      for (let i = 0; i < requests + 10; i++) {
        const t0 = performance.now();
        const res = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
        const text = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`calendar answered ${res.status}: ${text.slice(0, 200)}`);
        if (i >= 10) times.push(ms); // the first requests warm caches and the JIT
        const parsed = JSON.parse(text) as { entries: unknown[]; days: { count: number }[] };
        entries = parsed.days.reduce((sum, d) => sum + d.count, 0);
        bytes = text.length;
      }
      times.sort((x, y) => x - y);
      rows.push({
        db,
        query: name,
        postsInMonth: posts,
        deliveriesInDatabase: 5 * posts,
        postsCounted: entries,
        responseKb: Math.round(bytes / 1024),
        requests,
        p50Ms: Number(quantile(times, 0.5).toFixed(1)),
        p95Ms: Number(quantile(times, 0.95).toFixed(1)),
        maxMs: Number(times.at(-1)!.toFixed(1)),
        seedSeconds: Number(seedSeconds.toFixed(1)),
      });
    }
    // Every entry of the month, page by page (what an export or a list view of the month does).
    const walk: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      let cursor: string | null = null;
      let seen = 0;
      do {
        const url: string = `${base}?${range}&limit=2000${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
        const page = (await res.json()) as { entries: unknown[]; nextCursor: string | null };
        seen += page.entries.length;
        cursor = page.nextCursor;
      } while (cursor);
      if (seen !== posts) throw new Error(`the pages held ${seen} entries, not ${posts}`);
      walk.push(performance.now() - t0);
    }
    walk.sort((x, y) => x - y);
    rows.push({
      db,
      query: 'month: every entry, pages of 2,000',
      postsInMonth: posts,
      deliveriesInDatabase: 5 * posts,
      postsCounted: posts,
      requests: 5,
      p50Ms: Number(quantile(walk, 0.5).toFixed(1)),
      p95Ms: Number(quantile(walk, 0.95).toFixed(1)),
      maxMs: Number(walk.at(-1)!.toFixed(1)),
      seedSeconds: Number(seedSeconds.toFixed(1)),
    });
    return rows;
  } finally {
    await runtime.stop();
    await new Promise((r) => hook.close(r));
    await cleanup();
  }
}
