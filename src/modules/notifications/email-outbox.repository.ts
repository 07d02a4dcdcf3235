import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** A notice owed to one person by e-mail. */
export interface OutboxEmail {
  id: string;
  userId: string;
  workspaceId: string;
  type: string;
  delivery: 'instant' | 'digest';
  title: string;
  body: string;
  link: string;
  subjectId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export type NewOutboxEmail = Omit<OutboxEmail, 'createdAt' | 'sentAt'>;

const COLUMNS = [
  'id',
  'user_id',
  'workspace_id',
  'type',
  'delivery',
  'title',
  'body',
  'link',
  'subject_id',
  'created_at',
  'sent_at',
] as const;

const toEmail = (r: {
  id: string;
  user_id: string;
  workspace_id: string;
  type: string;
  delivery: 'instant' | 'digest';
  title: string;
  body: string;
  link: string;
  subject_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}): OutboxEmail => ({
  id: r.id,
  userId: r.user_id,
  workspaceId: r.workspace_id,
  type: r.type,
  delivery: r.delivery,
  title: r.title,
  body: r.body,
  link: r.link,
  subjectId: r.subject_id,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/**
 * The e-mail outbox of notifications and the digests that empty it. An e-mail is sent at most once in the
 * normal course: `sent_at` is set when the mail server took it, and a digest is unique per person and period.
 */
export class EmailOutboxRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Records e-mails owed; one repeating a pending e-mail of the same person, delivery, type and subject
   * refreshes it instead. Returns the ids written (new or refreshed) with their delivery.
   */
  async queue(
    rows: readonly NewOutboxEmail[],
    now: Date,
  ): Promise<{ id: string; delivery: 'instant' | 'digest' }[]> {
    if (rows.length === 0) return [];
    return this.db
      .insertInto('notification_emails')
      .values(
        rows.map((e) => ({
          id: e.id,
          user_id: e.userId,
          workspace_id: e.workspaceId,
          type: e.type,
          delivery: e.delivery,
          title: e.title,
          body: e.body,
          link: e.link,
          subject_id: e.subjectId,
          created_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'delivery', 'type', 'subject_id'])
          .where('sent_at', 'is', null)
          .where('digest_id', 'is', null)
          .doUpdateSet((eb) => ({
            workspace_id: eb.ref('excluded.workspace_id'),
            title: eb.ref('excluded.title'),
            body: eb.ref('excluded.body'),
            link: eb.ref('excluded.link'),
            created_at: eb.ref('excluded.created_at'),
          })),
      )
      .returning(['id', 'delivery'])
      .execute();
  }

  async find(id: string): Promise<OutboxEmail | undefined> {
    const row = await this.db
      .selectFrom('notification_emails')
      .select(COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEmail(row);
  }

  /** Counts an attempt to send an instant e-mail. */
  async recordAttempt(id: string): Promise<void> {
    await this.db
      .updateTable('notification_emails')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('notification_emails')
      .set({ sent_at: now })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .execute();
  }

  /** Forgets an e-mail that is no longer owed (its person or workspace is gone, or the person left it). */
  async discard(id: string): Promise<void> {
    await this.db
      .deleteFrom('notification_emails')
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .execute();
  }

  /** Instant e-mails never attempted since before `cutoff` (their job was lost): to queue again. */
  async unattemptedInstant(cutoff: Date, limit = 500): Promise<string[]> {
    const rows = await this.db
      .selectFrom('notification_emails')
      .select('id')
      .where('delivery', '=', 'instant')
      .where('sent_at', 'is', null)
      .where('attempts', '=', 0)
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** People with e-mails waiting for a digest: the oldest waiting, and when their last digest went out. */
  async waitingForDigest(): Promise<{ userId: string; oldest: Date; lastDigestAt: Date | null }[]> {
    const rows = await this.db
      .selectFrom('notification_emails as e')
      .select([
        'e.user_id',
        sql<Date>`min(e.created_at)`.as('oldest'),
        sql<Date | null>`(SELECT max(d.sent_at) FROM notification_digests d WHERE d.user_id = e.user_id)`.as(
          'last_digest_at',
        ),
      ])
      .where('e.delivery', '=', 'digest')
      .where('e.digest_id', 'is', null)
      .where('e.sent_at', 'is', null)
      .groupBy('e.user_id')
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      oldest: new Date(r.oldest),
      lastDigestAt: r.last_digest_at === null ? null : new Date(r.last_digest_at),
    }));
  }

  /**
   * The person's digest for `period`, created if need be, and the e-mails waiting for a digest (up to `now`)
   * handed to it. Returns the digest, or undefined when that period's digest already went out.
   */
  async openDigest(id: string, userId: string, period: string, now: Date): Promise<string | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notification_digests')
        .values({ id, user_id: userId, period, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'period']).doNothing())
        .execute();
      const digest = await trx
        .selectFrom('notification_digests')
        .select(['id', 'sent_at'])
        .where('user_id', '=', userId)
        .where('period', '=', period)
        .executeTakeFirstOrThrow();
      if (digest.sent_at) return undefined;
      await trx
        .updateTable('notification_emails')
        .set({ digest_id: digest.id })
        .where('user_id', '=', userId)
        .where('delivery', '=', 'digest')
        .where('digest_id', 'is', null)
        .where('sent_at', 'is', null)
        .where('created_at', '<=', now)
        .execute();
      return digest.id;
    });
  }

  /** Digests that took their e-mails but have not gone out (a failed or interrupted run). */
  async unsentDigests(): Promise<{ id: string; userId: string; period: string }[]> {
    const rows = await this.db
      .selectFrom('notification_digests')
      .select(['id', 'user_id', 'period'])
      .where('sent_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, period: r.period }));
  }

  /** Takes a digest to send for a while; false when it went out or another worker holds it. */
  async lockDigest(id: string, now: Date, until: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('notification_digests')
      .set({ locked_until: until })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async unlockDigest(id: string): Promise<void> {
    await this.db
      .updateTable('notification_digests')
      .set({ locked_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** A digest's e-mails with their workspace's name, newest first. */
  async digestItems(digestId: string): Promise<(OutboxEmail & { workspaceName: string })[]> {
    const rows = await this.db
      .selectFrom('notification_emails as e')
      .innerJoin('workspaces as w', 'w.id', 'e.workspace_id')
      .select([
        'e.id',
        'e.user_id',
        'e.workspace_id',
        'e.type',
        'e.delivery',
        'e.title',
        'e.body',
        'e.link',
        'e.subject_id',
        'e.created_at',
        'e.sent_at',
        'w.name as workspace_name',
      ])
      .where('e.digest_id', '=', digestId)
      .orderBy('e.created_at', 'desc')
      .orderBy('e.id', 'desc')
      .execute();
    return rows.map((r) => ({ ...toEmail(r), workspaceName: r.workspace_name }));
  }

  /** The digest went out (or had nothing to tell): it and its e-mails are done. */
  async finishDigest(id: string, now: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notification_digests')
        .set({ sent_at: now, locked_until: null })
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('notification_emails')
        .set({ sent_at: now })
        .where('digest_id', '=', id)
        .where('sent_at', 'is', null)
        .execute();
    });
  }

  /**
   * Deletes e-mails and digests that went out before `cutoff`, and instant e-mails from before it that never
   * went (their job gave up).
   */
  async deleteSentBefore(cutoff: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('notification_emails')
      .where((eb) =>
        eb.or([
          eb.and([eb('sent_at', 'is not', null), eb('sent_at', '<', cutoff)]),
          eb.and([eb('delivery', '=', 'instant'), eb('sent_at', 'is', null), eb('created_at', '<', cutoff)]),
        ]),
      )
      .executeTakeFirst();
    await this.db
      .deleteFrom('notification_digests')
      .where('sent_at', 'is not', null)
      .where('sent_at', '<', cutoff)
      .execute();
    return Number(r.numDeletedRows);
  }
}
