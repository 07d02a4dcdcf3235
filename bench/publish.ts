import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/core/logger.js';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit.service.js';
import { startRuntime } from '../src/runtime/runtime.js';
import { arg, benchConfig, quantile } from './support.js';

/**
 * `npm run bench -- publish --db pglite|postgres --posts N --latency-ms L [--json FILE] [--profile FILE] [--histogram]`
 *
 * N posts due at the same instant, each to a signed-webhook channel whose loopback receiver (its own
 * process, `bench/receiver.ts`) answers after L ms, published by the real runtime (job engine, workers,
 * database) in this process. Lateness is due time
 * → request received by the receiver. In the same run, on the same database, N no-op jobs measure the job
 * engine's own throughput at the same concurrency, so the pipeline's efficiency is a ratio.
 */
/** CPU time of the whole machine (all cores, every process: database, receiver, this one). */
function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times: t } of os.cpus()) {
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

async function startProfiler(): Promise<{ stop: () => Promise<object> }> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      session.post(method, (error, result) =>
        error ? reject(error) : resolve(result as Record<string, unknown>),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      session.disconnect();
      return profile;
    },
  };
}

export async function publish(args: string[]): Promise<Record<string, unknown>[]> {
  const db = arg(args, 'db', 'pglite');
  const posts = Number(arg(args, 'posts', '1000'));
  const latencyMs = Number(arg(args, 'latency-ms', '300'));
  // --profile FILE: a CPU profile of this process while the posts are published (open it in DevTools).
  const profileFile = args.includes('--profile') ? arg(args, 'profile', '') : '';
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');

  // The receiver, in its own process: answers each post after L ms, as a network would.
  const receiver = fork(
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'receiver.ts'),
    [String(latencyMs)],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const receiverUrl = await new Promise<string>((resolve, reject) => {
    receiver.once('message', (m) => resolve(`http://127.0.0.1:${(m as { port: number }).port}`));
    receiver.once('error', reject);
  });
  const report = () =>
    new Promise<{ arrivals: Map<string, number>; cpuMs: number }>((resolve) => {
      receiver.once('message', (m) => {
        const r = m as { arrivals: [string, number][]; cpuMs: number };
        resolve({ arrivals: new Map(r.arrivals), cpuMs: r.cpuMs });
      });
      receiver.send('report');
    });
  let noopDone = 0;

  const { config, cleanup } = await benchConfig(db);
  const runtime = await startRuntime(config, 'all', createLogger('silent'), { listen: false });
  const { services } = runtime;
  try {
    const owner = await services.setup.createOwner(
      {
        name: 'Bench',
        email: 'bench@example.test',
        password: 'a long bench password 42',
        organizationName: 'Bench',
        workspaceName: 'Bench',
        timezone: 'UTC',
      },
      SYSTEM_ACTOR,
    );
    const access = (await services.workspaces.accessOf(owner.user.id, owner.workspace.id))!;
    const actor = { ...SYSTEM_ACTOR, userId: owner.user.id };
    const channel = await services.channels.connect(access, actor, {
      network: 'webhook',
      name: 'Receiver',
      credential: { url: `${receiverUrl}/hook`, secret: 'bench-signing-secret-000' },
    });

    // 1. The raw engine: N no-op jobs, at the publishing job's concurrency.
    const noopStart = performance.now();
    await Promise.all(Array.from({ length: posts }, () => services.jobs.send('system.noop.v1', {})));
    const noopQueued = performance.now();
    const deadline = Date.now() + 600_000;
    const boss = runtime.database;
    while (Date.now() < deadline) {
      const { rows } = await boss.executeSql(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'system.noop.v1' AND state = 'completed'`,
        [],
      );
      noopDone = (rows[0] as { n: number }).n;
      if (noopDone >= posts) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const noopSeconds = (performance.now() - noopQueued) / 1000;
    const rawThroughput = noopDone / noopSeconds;

    // 2. The pipeline: N posts due at one instant, far enough ahead that creating them finishes first.
    const create = (at: string) =>
      services.posts.create(access, actor, {
        body: 'Benchmark post',
        channels: [{ channelId: channel.id }],
        schedule: { at },
      });
    const createAll = async (count: number, at: string) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < count) {
            next += 1;
            await create(at);
          }
        }),
      );
    };
    // Measure how fast posts are created here, then put the due time after all of them exist.
    const warm = performance.now();
    const probe = Math.min(100, posts);
    await createAll(probe, new Date(Date.now() + 86_400_000).toISOString());
    const perPostMs = (performance.now() - warm) / probe;
    const due = new Date(Date.now() + perPostMs * posts * 1.5 + 5_000);
    const createStart = performance.now();
    await createAll(posts, due.toISOString());
    const createSeconds = (performance.now() - createStart) / 1000;
    const createdBeforeDue = Date.now() < due.getTime();

    // Wait until every delivery due at that instant is settled; measure this process's load meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, due.getTime() - Date.now())));
    const profiler = profileFile ? await startProfiler() : undefined;
    receiver.send('mark');
    const machine0 = machineTimes();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const until = Date.now() + 900_000;
    let settled = 0;
    while (Date.now() < until) {
      const { rows } = await boss.executeSql(
        `SELECT count(*)::int AS n FROM deliveries WHERE due_at = $1 AND state IN ('published', 'failed', 'unconfirmed')`,
        [due.toISOString()],
      );
      settled = (rows[0] as { n: number }).n;
      if (settled >= posts) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const elu = performance.eventLoopUtilization(elu0).utilization;
    if (profiler && profileFile) writeFileSync(profileFile, JSON.stringify(await profiler.stop()));
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    const machine1 = machineTimes();
    const machine = (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total);
    const phaseMs = performance.now() - wall0;
    const { rows: states } = await boss.executeSql(
      `SELECT state, count(*)::int AS n FROM deliveries WHERE due_at = $1 GROUP BY state`,
      [due.toISOString()],
    );
    const { rows: keys } = await boss.executeSql(
      `SELECT idempotency_key AS key FROM deliveries WHERE due_at = $1`,
      [due.toISOString()],
    );
    const { arrivals, cpuMs: receiverCpuMs } = await report();
    const lateness = (keys as { key: string }[])
      .map((k) => arrivals.get(k.key))
      .filter((t): t is number => t !== undefined)
      .map((t) => t - due.getTime())
      .sort((a, b) => a - b);
    const lastArrival = Math.max(...lateness, 0);
    if (args.includes('--histogram')) {
      // Arrivals per 250 ms after the due time: shows waves, gaps and a late start.
      const buckets = new Map<number, number>();
      for (const l of lateness) buckets.set(Math.floor(l / 250), (buckets.get(Math.floor(l / 250)) ?? 0) + 1);
      console.log(
        [...buckets]
          .sort((a, b) => a[0] - b[0])
          .map(([b, n]) => `${b * 250}:${n}`)
          .join(' '),
      );
    }
    const pipelineThroughput = lateness.length / Math.max(0.001, lastArrival / 1000);
    const byState = Object.fromEntries((states as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    return [
      {
        db,
        posts,
        latencyMs,
        createdBeforeDue,
        createSeconds: Number(createSeconds.toFixed(1)),
        received: lateness.length,
        published: byState.published ?? 0,
        failed: byState.failed ?? 0,
        unconfirmed: byState.unconfirmed ?? 0,
        earlyRequests: lateness.filter((l) => l < 0).length,
        latenessP50Ms: quantile(lateness, 0.5),
        latenessP99Ms: quantile(lateness, 0.99),
        latenessMaxMs: lateness.at(-1) ?? 0,
        pipelinePerSecond: Number(pipelineThroughput.toFixed(1)),
        rawEnginePerSecond: Number(rawThroughput.toFixed(1)),
        efficiency: Number((pipelineThroughput / rawThroughput).toFixed(3)),
        eventLoopBusy: Number(elu.toFixed(2)),
        cpuCores: Number(cpuShare.toFixed(2)),
        receiverCpuCores: Number((receiverCpuMs / phaseMs).toFixed(2)),
        machineCpuCores: Number((machine * os.cpus().length).toFixed(2)),
        noopQueueSeconds: Number(((noopQueued - noopStart) / 1000).toFixed(1)),
      },
    ];
  } finally {
    await runtime.stop();
    receiver.send('stop');
    await new Promise((r) => receiver.once('exit', r));
    await cleanup();
  }
}
