import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type Database } from '../../src/db/database.js';

/**
 * The databases integration tests run on: always the embedded one; PostgreSQL too when TEST_DATABASE_URL
 * is set (CI sets it). Each test file gets a fresh, empty database of each kind.
 */
export type TestTarget = 'pglite' | 'postgres';

export const TEST_TARGETS: TestTarget[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  database: Database;
  /** The PostgreSQL URL of this database (postgres target only). */
  url: string | null;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  target: TestTarget,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let result: TestDatabase;
  if (target === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dir: null });
    result = { database, url: null, drop: () => database.close() };
  } else {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    const name = `chorus_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString() });
    result = {
      database,
      url: url.toString(),
      drop: async () => {
        await database.close();
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  if (options.migrate !== false) await migrate(result.database);
  return result;
}
