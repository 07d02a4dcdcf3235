import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config/config.js';

/** What the benchmarks share: arguments, quantiles, and a fresh database of either kind. */

export function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

export const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function freshPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `chorus_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * The configuration of a benchmark run: a fresh data directory, and on PostgreSQL a fresh database
 * (BENCH_DATABASE_URL names the server); `cleanup` removes both.
 */
export async function benchConfig(
  db: string,
  env: Record<string, string> = {},
): Promise<{ config: Config; cleanup: () => Promise<void> }> {
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-'));
  const pgdb =
    db === 'postgres'
      ? await freshPostgres(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
      : undefined;
  const config = loadConfig({
    CHORUS_DATA_DIR: dataDir,
    EGRESS_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
    ...env,
    ...(pgdb ? { DATABASE_URL: pgdb.url, CHORUS_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
  });
  return {
    config,
    cleanup: async () => {
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
