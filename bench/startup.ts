import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Start-up and idle memory of `chorus start` (the built CLI, as `npm start` runs it) on the embedded
 * database: first start on a fresh data directory, then restarts on the existing one (target ≤ 3 s to
 * ready), and the resident memory of the idle process.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function waitReady(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chorus exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('chorus did not become ready');
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function run(dataDir: string, port: number, idleMs: number) {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'chorus.js'), 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CHORUS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: 'ignore',
  });
  await waitReady(`http://127.0.0.1:${port}`, child);
  const readyMs = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, idleMs));
  const rss = rssMb(child.pid!);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { readyMs, rss, code };
}

export async function startup(args: string[]): Promise<Record<string, unknown>[]> {
  const restarts = Number(args[args.indexOf('--restarts') + 1] ?? 3) || 3;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-'));
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const rows: Record<string, unknown>[] = [];
  try {
    const first = await run(dataDir, port, 5000);
    rows.push({
      run: 'fresh data dir',
      ready_ms: first.readyMs,
      idle_rss_mb: first.rss,
      exit_code: first.code,
      target: '',
    });
    for (let i = 1; i <= restarts; i++) {
      const r = await run(dataDir, port, 5000);
      rows.push({
        run: `restart ${i}`,
        ready_ms: r.readyMs,
        idle_rss_mb: r.rss,
        exit_code: r.code,
        target: 'ready ≤ 3000 ms',
      });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
