import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
}

export class ThrottleRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: string): Promise<ThrottleState | undefined> {
    const row = await this.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return (
      row && { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until }
    );
  }

  async put(key: string, state: ThrottleState): Promise<void> {
    await this.db
      .insertInto('login_throttle')
      .values({
        key,
        failures: state.failures,
        last_failure_at: state.lastFailureAt,
        locked_until: state.lockedUntil,
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: state.failures,
          last_failure_at: state.lastFailureAt,
          locked_until: state.lockedUntil,
        }),
      )
      .execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  async deleteStale(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('login_throttle')
      .where('last_failure_at', '<', before)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
