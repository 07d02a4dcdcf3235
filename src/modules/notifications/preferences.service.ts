import type { Clock } from '../../core/clock.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import {
  DEFAULT_DIGEST_HOUR,
  FALLBACK_TIME_ZONE,
  defaultPreference,
  withDefaults,
  type DigestSchedule,
  type EmailDelivery,
  type NotificationPreferences,
  type TypePreference,
} from './preferences.js';
import type { PreferencesRepository } from './preferences.repository.js';
import type { NotificationType } from './types.js';

export interface PreferencesChange {
  types?:
    { type: NotificationType; inApp?: boolean | undefined; email?: EmailDelivery | undefined }[] | undefined;
  digest?: { hour?: number | undefined; timeZone?: string | undefined } | undefined;
}

const sameAs = (a: TypePreference, b: TypePreference) => a.inApp === b.inApp && a.email === b.email;

/**
 * Each person's notification preferences, for every workspace they are in: stored where they differ from
 * the defaults (preferences.ts), filled in with the defaults otherwise.
 */
export class PreferencesService {
  constructor(
    private readonly deps: {
      preferences: PreferencesRepository;
      workspaces: WorkspacesRepository;
      clock: Clock;
    },
  ) {}

  async get(userId: string): Promise<NotificationPreferences> {
    const [stored, digest] = await Promise.all([
      this.deps.preferences.ofUser(userId),
      this.digestSchedules([userId]),
    ]);
    return { types: withDefaults(stored), digest: digest.get(userId)! };
  }

  /** Applies a change (only what it names) and returns the preferences as they now are. */
  async update(userId: string, change: PreferencesChange): Promise<NotificationPreferences> {
    const now = this.deps.clock.now();
    if (change.types && change.types.length > 0) {
      const stored = await this.deps.preferences.ofUser(userId);
      const next = new Map<NotificationType, TypePreference>();
      for (const t of change.types) {
        const current = next.get(t.type) ?? stored.get(t.type) ?? defaultPreference(t.type);
        next.set(t.type, { inApp: t.inApp ?? current.inApp, email: t.email ?? current.email });
      }
      const entries = [...next.entries()];
      // Only deviations are kept, so a later change of a default reaches everyone who never changed it.
      await this.deps.preferences.save(
        userId,
        entries
          .filter(([type, p]) => !sameAs(p, defaultPreference(type)))
          .map(([type, p]) => ({ type, ...p })),
        now,
      );
      await this.deps.preferences.remove(
        userId,
        entries.filter(([type, p]) => sameAs(p, defaultPreference(type))).map(([type]) => type),
      );
    }
    if (change.digest && (change.digest.hour !== undefined || change.digest.timeZone !== undefined)) {
      const stored = (await this.deps.preferences.digestOf([userId])).get(userId);
      await this.deps.preferences.saveDigest(
        userId,
        {
          hour: change.digest.hour ?? stored?.hour ?? null,
          timeZone: change.digest.timeZone ?? stored?.timeZone ?? null,
        },
        now,
      );
    }
    return this.get(userId);
  }

  /** What each of these people gets for `type` (stored, or the default). */
  async forType(userIds: readonly string[], type: NotificationType): Promise<Map<string, TypePreference>> {
    const stored = await this.deps.preferences.forType(userIds, type);
    return new Map(userIds.map((id) => [id, stored.get(id) ?? defaultPreference(type)]));
  }

  /**
   * When each person's digest goes out: their chosen hour and zone, else 08:00 in the zone of the first
   * workspace they reach (the one the app opens first), else UTC.
   */
  async digestSchedules(userIds: readonly string[]): Promise<Map<string, DigestSchedule>> {
    const stored = await this.deps.preferences.digestOf(userIds);
    const schedules = new Map<string, DigestSchedule>();
    for (const userId of userIds) {
      const chosen = stored.get(userId);
      const timeZone =
        chosen?.timeZone ??
        (await this.deps.workspaces.accessibleBy(userId))[0]?.timezone ??
        FALLBACK_TIME_ZONE;
      schedules.set(userId, { hour: chosen?.hour ?? DEFAULT_DIGEST_HOUR, timeZone });
    }
    return schedules;
  }
}
