import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { TypePreference } from './preferences.js';

/** Stored notification preferences: per person and type (only those changed), and the digest schedule. */
export class PreferencesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The stored preferences of these people for one type (people without one are left out). */
  async forType(userIds: readonly string[], type: string): Promise<Map<string, TypePreference>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('notification_preferences')
      .select(['user_id', 'in_app', 'email'])
      .where('user_id', 'in', userIds)
      .where('type', '=', type)
      .execute();
    return new Map(rows.map((r) => [r.user_id, { inApp: r.in_app, email: r.email }]));
  }

  /** One person's stored preferences, by type. */
  async ofUser(userId: string): Promise<Map<string, TypePreference>> {
    const rows = await this.db
      .selectFrom('notification_preferences')
      .select(['type', 'in_app', 'email'])
      .where('user_id', '=', userId)
      .execute();
    return new Map(rows.map((r) => [r.type, { inApp: r.in_app, email: r.email }]));
  }

  async save(
    userId: string,
    prefs: readonly (TypePreference & { type: string })[],
    now: Date,
  ): Promise<void> {
    if (prefs.length === 0) return;
    await this.db
      .insertInto('notification_preferences')
      .values(
        prefs.map((p) => ({
          user_id: userId,
          type: p.type,
          in_app: p.inApp,
          email: p.email,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['user_id', 'type']).doUpdateSet((eb) => ({
          in_app: eb.ref('excluded.in_app'),
          email: eb.ref('excluded.email'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /** Forgets stored preferences that equal the defaults again. */
  async remove(userId: string, types: readonly string[]): Promise<void> {
    if (types.length === 0) return;
    await this.db
      .deleteFrom('notification_preferences')
      .where('user_id', '=', userId)
      .where('type', 'in', types)
      .execute();
  }

  /** The person's chosen digest hour and zone (null where they kept the default). */
  async digestOf(
    userIds: readonly string[],
  ): Promise<Map<string, { hour: number | null; timeZone: string | null }>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('notification_settings')
      .select(['user_id', 'digest_hour', 'digest_time_zone'])
      .where('user_id', 'in', userIds)
      .execute();
    return new Map(rows.map((r) => [r.user_id, { hour: r.digest_hour, timeZone: r.digest_time_zone }]));
  }

  async saveDigest(
    userId: string,
    digest: { hour: number | null; timeZone: string | null },
    now: Date,
  ): Promise<void> {
    await this.db
      .insertInto('notification_settings')
      .values({
        user_id: userId,
        digest_hour: digest.hour,
        digest_time_zone: digest.timeZone,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          digest_hour: digest.hour,
          digest_time_zone: digest.timeZone,
          updated_at: now,
        }),
      )
      .execute();
  }
}
