import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';
import { ConnectionLock, PGliteDialect } from './pglite-dialect.js';
import { MIGRATIONS } from './migrations/index.js';

export type DatabaseTarget = { kind: 'pglite'; dir: string | null } | { kind: 'postgres'; url: string };

/**
 * The one wrapper around the database technology. PGlite (embedded, one in-process connection) and
 * PostgreSQL (a pool) speak the same SQL; everything above this file sees only Kysely and `executeSql`.
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<DB>;
  /** Raw SQL for the job engine: parameterless calls may hold several statements. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Runs `fn` in one transaction with a raw multi-statement executor (migrations, restore). */
  scriptTransaction<T>(fn: (exec: (text: string) => Promise<unknown[]>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// pg returns int8 as a string to avoid precision loss; Chorus only counts rows, so parse them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'pglite' ? openPGlite(target.dir) : openPostgres(target.url);
}

async function openPGlite(dir: string | null): Promise<Database> {
  if (dir) await ensureCluster(dir);
  const lite = dir ? new PGlite(dir) : new PGlite();
  await lite.waitReady;
  const lock = new ConnectionLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(lite, lock) });
  const run = async (text: string, values?: unknown[]) => {
    if (values && values.length > 0) return (await lite.query(text, values)).rows;
    const results = await lite.exec(text);
    return results.at(-1)?.rows ?? [];
  };
  return {
    kind: 'pglite',
    db,
    executeSql: (text, values) => lock.run(async () => ({ rows: await run(text, values) })),
    scriptTransaction: (fn) =>
      lock.run(() => lite.transaction((tx) => fn(async (text) => (await tx.exec(text)).at(-1)?.rows ?? []))),
    ping: () => lock.run(async () => void (await lite.query('SELECT 1'))),
    close: async () => {
      await db.destroy();
      await lock.run(() => lite.close());
    },
  };
}

/**
 * PGlite treats any folder holding PG_VERSION as a database, and initdb writes that file early: a crash
 * during the first start would leave a folder that never opens again. A new cluster is therefore built in
 * a sibling folder and renamed into place only once complete.
 */
async function ensureCluster(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  const staging = `${dir}.initdb`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const init = new PGlite(staging);
  await init.waitReady;
  await init.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight get their own error.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }),
    scriptTransaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(async (text) => {
          const res = await client.query(text);
          const last = Array.isArray(res) ? res.at(-1) : res;
          return (last as pg.QueryResult | undefined)?.rows ?? [];
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => db.destroy(),
  };
}

/** Arbitrary but fixed: serialises migrations across processes sharing one PostgreSQL. */
const MIGRATION_LOCK_KEY = 7_264_411_001;

/**
 * Applies pending migrations, each in its own transaction, so a crash leaves the database either before
 * or after a migration, never half-way. Returns the ids applied.
 */
export async function migrate(database: Database): Promise<string[]> {
  await database.scriptTransaction(async (exec) => {
    await exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const migration of MIGRATIONS) {
    const done = await database.scriptTransaction(async (exec) => {
      await exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const rows = await exec(`SELECT 1 FROM schema_migrations WHERE id = '${migration.id}'`);
      if (rows.length > 0) return false;
      await exec(migration.sql);
      await exec(`INSERT INTO schema_migrations (id) VALUES ('${migration.id}')`);
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}

export async function appliedMigrations(database: Database): Promise<string[]> {
  const rows = await database.db
    .selectFrom('schema_migrations')
    .select('id')
    .orderBy('id')
    .execute()
    .catch(() => []);
  return rows.map((r) => r.id);
}

export { sql };
