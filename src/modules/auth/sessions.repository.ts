import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export class SessionsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(s: {
    id: string;
    userId: string;
    tokenHash: string;
    expiresAt: Date;
    idleExpiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        token_hash: s.tokenHash,
        expires_at: s.expiresAt,
        idle_expires_at: s.idleExpiresAt,
        last_seen_at: new Date(),
        ip: s.ip,
        user_agent: s.userAgent,
      })
      .execute();
  }

  async findLiveByTokenHash(tokenHash: string, now: Date): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['id', 'user_id', 'created_at', 'last_seen_at', 'expires_at', 'idle_expires_at'])
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .where('idle_expires_at', '>', now)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        idleExpiresAt: row.idle_expires_at,
      }
    );
  }

  async touch(id: string, now: Date, idleExpiresAt: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
