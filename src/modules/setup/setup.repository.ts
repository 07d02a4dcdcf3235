import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export class SetupRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async isComplete(): Promise<boolean> {
    const row = await this.db
      .selectFrom('instance_settings')
      .select('id')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Claims first-run setup; true for exactly one caller, ever. */
  async claim(now: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('instance_settings')
      .values({ id: 1, setup_completed_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
