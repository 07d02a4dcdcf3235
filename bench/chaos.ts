import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/core/logger.js';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit.service.js';
import { startRuntime } from '../src/runtime/runtime.js';

/**
 * `npm run chaos -- --posts N --workers W --kills K [--latency-ms L] [--json FILE]`
 *
 * On PostgreSQL: W `chorus worker` processes publish N posts to a signed-webhook channel whose loopback
 * receiver records every request and behaves as the webhook protocol asks (a repeated Idempotency-Key is
 * answered with the first post, not posted again). Meanwhile K workers die by SIGKILL: about half killed
 * from outside at random moments, the others by a test hook between the network's answer and the database
 * commit (the worst moment). Killed workers are restarted. At the end every delivery is compared with what
 * the receiver saw: published, duplicates (a post created twice), lost (never posted, or posted but not
 * recorded), unconfirmed, reconciled (went through unconfirmed and was settled).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (args: string[], name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const args = process.argv.slice(2);
  const posts = Number(arg(args, 'posts', '2000'));
  const workers = Number(arg(args, 'workers', '4'));
  const kills = Number(arg(args, 'kills', '10'));
  const latencyMs = Number(arg(args, 'latency-ms', '50'));
  const file = arg(args, 'json', path.join('bench', 'results', 'chaos.json'));
  const adminUrl = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

  // The "network": every request recorded; a repeated key gets the first post back.
  const created = new Map<string, { text: string; at: number }>();
  const createdByText = new Map<string, number>();
  let requests = 0;
  let repeats = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        text?: string;
        idempotencyKey?: string;
      };
      const key = body.idempotencyKey;
      if (!key || body.text === undefined) return void res.writeHead(200).end('{}');
      requests += 1;
      if (created.has(key)) repeats += 1;
      else {
        created.set(key, { text: body.text, at: Date.now() });
        createdByText.set(body.text, (createdByText.get(body.text) ?? 0) + 1);
      }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `post-${key}` }));
      }, latencyMs);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const dbName = `chorus_chaos_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const secretKey = randomBytes(32).toString('base64');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-chaos-'));
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    CHORUS_SECRET_KEY: secretKey,
    CHORUS_DATA_DIR: dataDir,
    EGRESS_ALLOW_PRIVATE: 'true',
    JOB_POLL_SECONDS: '0.5',
    LOG_LEVEL: 'silent',
  };

  // Set-up and posts through an API-only runtime in this process (it queues jobs; it runs none).
  const config = loadConfig(env as NodeJS.ProcessEnv);
  const api = await startRuntime(config, 'api', createLogger('silent'), { listen: false });
  const s = api.services;
  const owner = await s.setup.createOwner(
    {
      name: 'Chaos',
      email: 'chaos@example.test',
      password: 'a long chaos password 42',
      organizationName: 'Chaos',
      workspaceName: 'Chaos',
      timezone: 'UTC',
    },
    SYSTEM_ACTOR,
  );
  const access = (await s.workspaces.accessOf(owner.user.id, owner.workspace.id))!;
  const actor = { ...SYSTEM_ACTOR, userId: owner.user.id };
  const channel = await s.channels.connect(access, actor, {
    network: 'webhook',
    name: 'Receiver',
    credential: { url: `${receiverUrl}/hook`, secret: 'chaos-signing-secret-0000' },
  });

  // Workers: half with the hook that kills a worker right after a network answered.
  let killed = 0;
  let hookKills = 0;
  let externalKills = 0;
  let stopping = false;
  const procs: (ChildProcess | undefined)[] = [];
  const crashChance = Math.min(0.05, kills / 2 / Math.max(1, posts));
  function startWorker(i: number) {
    const hook = i % 2 === 0 && killed < kills;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
      cwd: root,
      env: { ...env, ...(hook ? { CHORUS_TEST_CRASH_AFTER_SEND: String(crashChance) } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    procs[i] = child;
    child.once('exit', (_code, signal) => {
      if (stopping) return;
      if (signal === 'SIGKILL' && procs[i] === child && !(child as { external?: boolean }).external) {
        hookKills += 1;
        killed += 1;
      }
      setTimeout(() => !stopping && startWorker(i), 500);
    });
  }
  for (let i = 0; i < workers; i++) startWorker(i);
  await sleep(4000);

  // Posts due over one minute, starting once they all exist, so kills land while they are being sent.
  const started = Date.now();
  const first = Date.now() + Math.max(5_000, posts * 12);
  for (let i = 0; i < posts; i++) {
    await s.posts.create(access, actor, {
      body: `Chaos post #${i}`,
      channels: [{ channelId: channel.id }],
      schedule: { at: new Date(Math.max(first + (i * 60_000) / posts, Date.now())).toISOString() },
    });
  }
  const createdSeconds = (Date.now() - started) / 1000;
  await sleep(Math.max(0, first - Date.now()));

  // External kills at random moments while deliveries are being sent.
  const db = api.database;
  const count = async (sql: string) => ((await db.executeSql(sql, [])).rows[0] as { n: number }).n;
  while (killed < kills) {
    await sleep(500 + Math.random() * (50_000 / Math.max(1, kills)));
    const remaining = await count(
      `SELECT count(*)::int AS n FROM deliveries WHERE state IN ('scheduled', 'sending')`,
    );
    if (remaining === 0) break;
    const i = Math.floor(Math.random() * workers);
    const child = procs[i];
    if (child && child.exitCode === null && child.signalCode === null) {
      (child as { external?: boolean }).external = true;
      child.kill('SIGKILL');
      externalKills += 1;
      killed += 1;
    }
  }

  // Let the sweeper and settling finish: stranded `sending` becomes unconfirmed after 2 minutes.
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const open = await count(
      `SELECT count(*)::int AS n FROM deliveries WHERE state IN ('scheduled', 'sending', 'unconfirmed')`,
    );
    if (open === 0) break;
    await sleep(1000);
  }
  stopping = true;
  for (const p of procs) p?.kill('SIGTERM');

  const rows = (
    await db.executeSql(
      `SELECT d.idempotency_key AS key, d.state, p.body AS text,
              EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.outcome = 'unconfirmed') AS was_unconfirmed
         FROM deliveries d JOIN posts p ON p.id = d.post_id`,
      [],
    )
  ).rows as { key: string; state: string; text: string; was_unconfirmed: boolean }[];
  const outcomes = (
    await db.executeSql(
      `SELECT COALESCE(outcome, 'open') AS outcome, count(*)::int AS n FROM delivery_attempts GROUP BY 1`,
      [],
    )
  ).rows as { outcome: string; n: number }[];
  console.log('attempt outcomes', Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])));
  const published = rows.filter((r) => r.state === 'published');
  const duplicates = [...createdByText.values()].filter((n) => n > 1).length;
  const lostNeverPosted = rows.filter((r) => r.state !== 'published' && !created.has(r.key)).length;
  const phantom = published.filter((r) => !created.has(r.key)).length;
  const postedNotRecorded = rows.filter((r) => r.state !== 'published' && created.has(r.key)).length;
  const result = {
    posts,
    workers,
    kills: killed,
    externalKills,
    hookKills,
    createdSeconds: Number(createdSeconds.toFixed(1)),
    runSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    published: published.length,
    duplicates,
    lost: lostNeverPosted + phantom,
    postedNotRecorded,
    unconfirmed: rows.filter((r) => r.state === 'unconfirmed').length,
    wentUnconfirmed: rows.filter((r) => r.was_unconfirmed).length,
    reconciled: rows.filter((r) => r.was_unconfirmed && r.state === 'published').length,
    failed: rows.filter((r) => r.state === 'failed').length,
    requests,
    repeatedKeys: repeats,
  };
  console.table([result]);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify(
      { bench: 'chaos', at: new Date().toISOString(), node: process.version, rows: [result] },
      null,
      2,
    ),
  );
  console.log(`Results written to ${file}`);

  await sleep(1000);
  await api.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
  receiver.closeAllConnections();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  const ok = result.duplicates === 0 && result.lost === 0 && result.unconfirmed <= posts * 0.001;
  process.exit(ok ? 0 : 1);
}

await main();
