import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the real `chorus` command from the TypeScript sources (so a test never runs a stale build), with a
 * clean environment: no DATABASE_URL or CHORUS_* settings leak in from the machine.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function freshDataDir(label = 'data'): string {
  return mkdtempSync(path.join(process.env.CHORUS_TEST_TMP ?? os.tmpdir(), `${label}-`));
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DATABASE_URL' || (k.startsWith('CHORUS_') && !k.startsWith('CHORUS_TEST_'))) continue;
    env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...extra };
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: cleanEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ChorusProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  logs(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startChorus(
  options: { command?: string; dataDir?: string; env?: Record<string, string>; waitReady?: boolean } = {},
): Promise<ChorusProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? freshDataDir();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', options.command ?? 'start'], {
    cwd: ROOT,
    env: cleanEnv({ PORT: String(port), CHORUS_DATA_DIR: dataDir, PUBLIC_URL: url, ...options.env }),
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: ChorusProcess = {
    url,
    port,
    dataDir,
    child,
    logs: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  if (options.waitReady !== false) await waitReady(proc);
  return proc;
}

export async function waitReady(proc: ChorusProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`chorus exited (${proc.child.exitCode}) before it was ready:\n${proc.logs()}`);
    try {
      if ((await fetch(`${proc.url}/readyz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chorus was not ready within ${timeoutMs} ms:\n${proc.logs()}`);
}

/** Logs in over HTTP like a browser; returns the cookie and CSRF token. */
export async function login(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = /chorus_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  const body = (await res.json()) as { csrfToken?: string };
  return { status: res.status, cookie, csrfToken: body.csrfToken };
}
