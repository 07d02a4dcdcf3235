import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Database } from './database.js';
import { migrate } from './database.js';
import { DATA_TABLES } from './schema.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * A portable, consistent copy of all Chorus data: gzip'd JSON lines, one header then one line per row,
 * tables in foreign-key order. Read in one repeatable-read snapshot; rows travel as `to_jsonb`, and come
 * back through `jsonb_populate_recordset`, so types survive a trip between the embedded database and
 * PostgreSQL in either direction. Job-engine state is not included: jobs are derived from the data.
 */
export const BACKUP_FORMAT = 'chorus-backup';
const PAGE = 1000;

interface Header {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  migrations: string[];
  tables: Record<string, number>;
}

export async function backup(database: Database, file: string): Promise<Record<string, number>> {
  const gzip = createGzip();
  const out = createWriteStream(file, { mode: 0o600 });
  gzip.pipe(out);
  const write = async (line: unknown) => {
    if (!gzip.write(`${JSON.stringify(line)}\n`)) await once(gzip, 'drain');
  };
  const counts: Record<string, number> = {};
  await database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const migrations = (await trx.selectFrom('schema_migrations').select('id').orderBy('id').execute()).map(
        (r) => r.id,
      );
      for (const table of DATA_TABLES) {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(trx);
        counts[table] = Number(r.rows[0]?.n ?? 0);
      }
      const header: Header = {
        format: BACKUP_FORMAT,
        version: 1,
        createdAt: new Date().toISOString(),
        migrations,
        tables: counts,
      };
      await write(header);
      for (const table of DATA_TABLES) {
        for (let offset = 0; offset < (counts[table] ?? 0); offset += PAGE) {
          const page = await sql<{ r: Record<string, unknown> }>`
            SELECT to_jsonb(t) AS r FROM ${sql.table(table)} t ORDER BY to_jsonb(t)::text LIMIT ${PAGE} OFFSET ${offset}`.execute(
            trx,
          );
          for (const row of page.rows) await write({ t: table, r: row.r });
        }
      }
    });
  gzip.end();
  await once(out, 'close');
  return counts;
}

export class RestoreError extends Error {}

/** Restores into an empty database (fresh data directory or empty PostgreSQL); all or nothing. */
export async function restore(database: Database, file: string): Promise<Record<string, number>> {
  await migrate(database);
  const known = new Set(MIGRATIONS.map((m) => m.id));
  for (const table of DATA_TABLES) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      database.db,
    );
    if (Number(r.rows[0]?.n ?? 0) > 0) {
      throw new RestoreError(
        `The target database is not empty (table ${table} has rows). Restore into a new data directory (CHORUS_DATA_DIR) or an empty PostgreSQL database.`,
      );
    }
  }
  let header: Header | undefined;
  const counts: Record<string, number> = {};
  await database.db.transaction().execute(async (trx) => {
    let batch: { table: string; rows: unknown[] } | undefined;
    const flush = async () => {
      if (!batch || batch.rows.length === 0) return;
      await sql`INSERT INTO ${sql.table(batch.table)} SELECT * FROM jsonb_populate_recordset(NULL::${sql.table(batch.table)}, ${JSON.stringify(batch.rows)}::jsonb)`.execute(
        trx,
      );
      counts[batch.table] = (counts[batch.table] ?? 0) + batch.rows.length;
      batch.rows = [];
    };
    // Opened only here, right before reading: readline starts emitting at once, and lines emitted before the
    // loop attaches (e.g. while the transaction was being opened) would be lost.
    const lines = createInterface({
      input: createReadStream(file).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const value = JSON.parse(line) as Header | { t: string; r: unknown };
      if (!header) {
        if ((value as Header).format !== BACKUP_FORMAT || (value as Header).version !== 1) {
          throw new RestoreError('This file is not a Chorus backup (or is from an unsupported version).');
        }
        header = value as Header;
        const unknown = header.migrations.filter((m) => !known.has(m));
        if (unknown.length > 0) {
          throw new RestoreError(
            `The backup comes from a newer Chorus (migrations ${unknown.join(', ')}). Upgrade Chorus, then restore.`,
          );
        }
        continue;
      }
      const { t, r } = value as { t: string; r: unknown };
      if (!(DATA_TABLES as readonly string[]).includes(t))
        throw new RestoreError(`The backup names an unknown table: ${t}.`);
      if (batch?.table !== t) {
        await flush();
        batch = { table: t, rows: [] };
      }
      batch.rows.push(r);
      if (batch.rows.length >= 500) await flush();
    }
    await flush();
    if (!header) throw new RestoreError('The backup file is empty.');
    for (const [table, expected] of Object.entries(header.tables)) {
      if ((counts[table] ?? 0) !== expected) {
        throw new RestoreError(
          `The backup is incomplete: ${table} should have ${expected} rows, found ${counts[table] ?? 0}. Nothing was restored.`,
        );
      }
    }
  });
  return counts;
}
