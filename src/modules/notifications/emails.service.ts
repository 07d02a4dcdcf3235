import type { Logger } from 'pino';
import { daysAgo, type Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import type { JobSender } from '../../jobs/queue.js';
import type { Mailer } from '../mail/mailer.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { nextDigestAt } from './digest-time.js';
import type { EmailOutboxRepository } from './email-outbox.repository.js';
import { digestEmail, instantEmail } from './email-text.js';
import type { EmailDelivery } from './preferences.js';
import type { PreferencesService } from './preferences.service.js';
import type { Notice } from './types.js';

/** Sent e-mails (and digests) are kept this long, then deleted by the retention job. */
export const EMAIL_RETENTION_DAYS = 30;
/** A digest being sent is held this long by its worker. */
const DIGEST_LOCK_MS = 5 * 60_000;
/** An instant e-mail whose job never ran after this long is queued again. */
const LOST_JOB_MS = 15 * 60_000;

/**
 * Notifications by e-mail: each notice owed to someone is written to an outbox, then sent on its own by a
 * job (`notifications.email.v1`, retried with backoff) or kept for the person's daily digest
 * (`notifications.digest.v1`). Nothing is queued when e-mail is not configured.
 */
export class NotificationEmails {
  #toldNotConfigured = false;

  constructor(
    private readonly deps: {
      outbox: EmailOutboxRepository;
      preferences: PreferencesService;
      workspaces: WorkspacesRepository;
      users: { findById(id: string): Promise<{ email: string } | undefined> };
      mailer: Mailer;
      jobs: JobSender;
      clock: Clock;
      logger: Logger;
      publicUrl: string;
    },
  ) {}

  get configured(): boolean {
    return this.deps.mailer.configured;
  }

  /** Writes the e-mails `notice` owes these people, and queues a job for each one to go at once. */
  async queue(
    recipients: readonly { userId: string; email: EmailDelivery }[],
    notice: Notice,
  ): Promise<number> {
    const wanted = recipients.filter((r) => r.email !== 'off');
    if (wanted.length === 0) return 0;
    if (!this.deps.mailer.configured) {
      if (!this.#toldNotConfigured) {
        this.#toldNotConfigured = true;
        this.deps.logger.debug('e-mail is not configured (SMTP_URL): notifications are not e-mailed');
      }
      return 0;
    }
    const written = await this.deps.outbox.queue(
      wanted.map((r) => ({
        id: newId(),
        userId: r.userId,
        workspaceId: notice.workspaceId,
        type: notice.type,
        delivery: r.email === 'instant' ? 'instant' : 'digest',
        title: notice.title,
        body: notice.body,
        link: notice.link,
        subjectId: notice.subjectId ?? null,
      })),
      this.deps.clock.now(),
    );
    for (const e of written) {
      if (e.delivery !== 'instant') continue;
      // A job that could not be queued is queued again by the hourly run (the e-mail waits in the outbox).
      await this.deps.jobs.send('notifications.email.v1', { emailId: e.id }).catch((error: unknown) => {
        this.deps.logger.warn({ emailId: e.id, err: (error as Error).message }, 'e-mail job not queued');
      });
    }
    return written.length;
  }

  /**
   * Sends one instant e-mail (the job). Throws when the mail server fails, so the job is retried; an e-mail
   * already sent, or no longer owed, is left alone.
   */
  async sendInstant(emailId: string): Promise<'sent' | 'skipped'> {
    const email = await this.deps.outbox.find(emailId);
    if (!email || email.sentAt || !this.deps.mailer.configured) return 'skipped';
    const [user, workspace] = await Promise.all([
      this.deps.users.findById(email.userId),
      this.deps.workspaces.find(email.workspaceId),
    ]);
    // Someone who left the workspace since is no longer told about it.
    const reachable = (await this.deps.workspaces.accessibleBy(email.userId)).some(
      (w) => w.id === workspace?.id,
    );
    if (!user || !workspace || !reachable) {
      await this.deps.outbox.discard(email.id);
      return 'skipped';
    }
    await this.deps.outbox.recordAttempt(email.id);
    const message = instantEmail(email, workspace.name, this.deps.publicUrl);
    await this.deps.mailer.send({ to: user.email, ...message });
    await this.deps.outbox.markSent(email.id, this.deps.clock.now());
    this.deps.logger.info({ emailId: email.id, type: email.type }, 'notification e-mail sent');
    return 'sent';
  }

  /**
   * The digest run (hourly): sends each person whose digest hour has come since their oldest waiting
   * notification one e-mail, then marks it sent. A digest is unique per person and local date, and takes its
   * notifications before it is sent, so a retried run finishes the digests that failed and sends none twice.
   * Also queues again instant e-mails whose job was lost. Throws after trying everyone when any digest
   * failed, so the run is retried.
   */
  async sendDigests(): Promise<{ sent: number; failed: number; requeued: number }> {
    const now = this.deps.clock.now();
    let requeued = 0;
    if (this.deps.mailer.configured) {
      for (const id of await this.deps.outbox.unattemptedInstant(new Date(now.getTime() - LOST_JOB_MS))) {
        await this.deps.jobs.send('notifications.email.v1', { emailId: id });
        requeued += 1;
      }
    } else {
      return { sent: 0, failed: 0, requeued };
    }
    const waiting = await this.deps.outbox.waitingForDigest();
    const schedules = await this.deps.preferences.digestSchedules(waiting.map((w) => w.userId));
    for (const w of waiting) {
      const since = w.lastDigestAt && w.lastDigestAt > w.oldest ? w.lastDigestAt : w.oldest;
      const due = nextDigestAt(since, schedules.get(w.userId)!);
      if (due.at.getTime() > now.getTime()) continue;
      await this.deps.outbox.openDigest(newId(), w.userId, due.period, now);
    }
    let sent = 0;
    let failed = 0;
    for (const digest of await this.deps.outbox.unsentDigests()) {
      try {
        if (await this.sendDigest(digest.id, digest.userId)) sent += 1;
      } catch (error) {
        failed += 1;
        await this.deps.outbox.unlockDigest(digest.id);
        this.deps.logger.warn({ digestId: digest.id, err: (error as Error).message }, 'digest e-mail failed');
      }
    }
    if (failed > 0) throw new Error(`${failed} digest e-mail(s) could not be sent; the run is retried.`);
    return { sent, failed, requeued };
  }

  private async sendDigest(digestId: string, userId: string): Promise<boolean> {
    const now = this.deps.clock.now();
    if (!(await this.deps.outbox.lockDigest(digestId, now, new Date(now.getTime() + DIGEST_LOCK_MS))))
      return false;
    const reachable = new Set((await this.deps.workspaces.accessibleBy(userId)).map((w) => w.id));
    // Notifications of workspaces the person left are not told; with nothing left, no e-mail at all.
    const items = (await this.deps.outbox.digestItems(digestId)).filter((i) => reachable.has(i.workspaceId));
    const user = await this.deps.users.findById(userId);
    if (items.length > 0 && user) {
      await this.deps.mailer.send({ to: user.email, ...digestEmail(items, this.deps.publicUrl) });
      this.deps.logger.info({ digestId, notifications: items.length }, 'notification digest sent');
    }
    await this.deps.outbox.finishDigest(digestId, this.deps.clock.now());
    return items.length > 0 && user !== undefined;
  }

  /** Deletes e-mails and digests sent more than `days` ago (with the notifications' retention job). */
  async deleteSentOlderThan(days = EMAIL_RETENTION_DAYS): Promise<number> {
    return this.deps.outbox.deleteSentBefore(daysAgo(this.deps.clock, days));
  }
}
