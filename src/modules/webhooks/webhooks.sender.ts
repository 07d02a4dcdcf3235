import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../core/signature.js';
import { inTransaction } from '../../db/repositories.js';
import type { DB } from '../../db/schema.js';
import { EgressError, safeFetch, type EgressPolicy } from '../../egress/safe-fetch.js';
import type { JobSender } from '../../jobs/queue.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { VaultService } from '../vault/vault.service.js';
import type { WebhookDelivery, WebhookEndpoint, WebhooksRepository } from './webhooks.repository.js';
import { clean, describeStatus, excerptOf, outcomeOf, parseRetryAfter } from './webhooks.wire.js';

const REQUEST_TIMEOUT_MS = 10_000;
/** How long a worker holds an attempt; after that another may take it over (the first one died). */
const LOCK_MS = 60_000;
/** How late a due attempt must be, with nobody sending it, before the sweep queues it again. */
const SWEEP_GRACE_MS = 5 * 60_000;
/** Read at most this much of an answer (the rest is not needed for the excerpt). */
const READ_BYTES = 64 * 1024;
export const USER_AGENT = 'Chorus-Webhooks';

/** Who acts when Chorus itself disables an endpoint (the receiver answered 410 Gone). */
const WEBHOOK_ACTOR: Actor = { userId: null, tokenId: null, ip: null, userAgent: USER_AGENT };

class LostLock extends Error {}

/** What the webhooks service and its sender work with. */
export interface WebhookDeps {
  db: Kysely<DB>;
  webhooks: WebhooksRepository;
  vault: VaultService;
  audit: AuditService;
  jobs: JobSender;
  clock: Clock;
  logger: Logger;
  egress: EgressPolicy;
}

/**
 * Sends webhook deliveries: queues attempts, runs one attempt (the job), and re-queues what a lost job or a
 * dead worker left behind (the sweep).
 */
export class WebhookSender {
  constructor(private readonly deps: WebhookDeps) {}

  /** Queues an attempt; a failure is logged, not thrown: the delivery is recorded and the sweep finds it. */
  async queue(deliveryId: string, attempt: number, startAfter?: Date): Promise<void> {
    try {
      await this.deps.jobs.send(
        'webhooks.deliver.v1',
        { deliveryId, attempt },
        startAfter ? { startAfter } : {},
      );
    } catch (error) {
      this.deps.logger.warn(
        { err: (error as Error).message, deliveryId, attempt },
        'could not queue a webhook delivery; the sweep will queue it',
      );
    }
  }

  /**
   * The job: sends attempt `attempt` of a delivery. Safe to run twice or concurrently: the attempt is taken
   * with a conditional update first, and a delivery that is done, not due, or held by another worker is
   * left alone.
   */
  async deliver(job: { deliveryId: string; attempt: number }): Promise<Record<string, unknown>> {
    const now = this.deps.clock.now();
    const delivery = await this.deps.webhooks.findDelivery(job.deliveryId);
    if (!delivery) return { skipped: 'the delivery no longer exists' };
    if (delivery.status !== 'pending') return { skipped: `the delivery is ${delivery.status}` };
    if (delivery.nextAttemptAt && delivery.nextAttemptAt > now && job.attempt === delivery.attemptCount + 1) {
      // Started early (clocks differ slightly): run again when it is due.
      await this.queue(delivery.id, job.attempt, delivery.nextAttemptAt);
      return { skipped: 'not due yet; queued again' };
    }
    const endpoint = await this.deps.webhooks.findEndpointById(delivery.endpointId);
    if (!endpoint) return { skipped: 'the endpoint no longer exists' };
    if (!endpoint.enabled) {
      await this.deps.webhooks.abandon(
        delivery.id,
        'Not sent: the endpoint is disabled. Enable it and redeliver.',
        now,
      );
      return { skipped: 'the endpoint is disabled' };
    }
    const claimed = await this.deps.webhooks.claim(
      delivery.id,
      job.attempt,
      now,
      new Date(now.getTime() + LOCK_MS),
    );
    if (!claimed) return { skipped: 'the attempt was already made or is being made' };
    const secret = await this.deps.vault.reveal(endpoint.secretId);
    if (!secret) throw new Error(`The signing secret of webhook endpoint ${endpoint.id} is missing.`);

    const sent = await this.send(endpoint, claimed, secret);
    const finishedAt = this.deps.clock.now();
    const outcome = outcomeOf(claimed, job.attempt, sent, finishedAt);
    const recorded = await inTransaction(this.deps.db, async (repos) => {
      await repos.webhooks.insertAttempt({
        id: newId(),
        deliveryId: claimed.id,
        attempt: job.attempt,
        startedAt: sent.startedAt,
        durationMs: sent.durationMs,
        statusCode: sent.statusCode,
        error: sent.error,
        responseExcerpt: sent.excerpt,
      });
      const held = await repos.webhooks.finishAttempt(
        claimed.id,
        job.attempt,
        { statusCode: sent.statusCode, error: sent.error, now: finishedAt },
        outcome,
      );
      if (!held) throw new LostLock();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof LostLock) return false;
      throw error;
    });
    if (!recorded) return { skipped: 'another worker took the attempt over' };
    this.deps.logger.info(
      { deliveryId: claimed.id, attempt: job.attempt, status: sent.statusCode, outcome: outcome.status },
      'webhook attempt',
    );
    if (sent.statusCode === 410) await this.disableGone(endpoint, finishedAt);
    if (outcome.status === 'pending') await this.queue(claimed.id, job.attempt + 1, outcome.nextAttemptAt);
    return { attempt: job.attempt, statusCode: sent.statusCode, outcome: outcome.status };
  }

  /** One signed POST of the frozen payload; never throws for what the receiver or the network did. */
  private async send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, secret: string) {
    const body = JSON.stringify(delivery.payload);
    const startedAt = this.deps.clock.now();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let excerpt: string | null = null;
    let retryAfterMs: number | undefined;
    try {
      const res = await safeFetch(
        endpoint.url,
        {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'x-chorus-event': delivery.eventType,
            'x-chorus-delivery': delivery.id,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
          },
          timeoutMs: REQUEST_TIMEOUT_MS,
          maxBytes: READ_BYTES,
          oversize: 'truncate',
          redirect: 'manual',
        },
        this.deps.egress,
      );
      statusCode = res.status;
      excerpt = excerptOf(res.body, secret);
      error = describeStatus(res.status, res.headers.location);
      if (res.status === 429 || res.status === 503) {
        retryAfterMs = parseRetryAfter(res.headers['retry-after'], startedAt);
      }
    } catch (caught) {
      error =
        caught instanceof EgressError || caught instanceof AppError
          ? caught.message
          : `Could not send the request: ${(caught as Error).message}`;
    }
    return {
      startedAt,
      durationMs: Math.max(0, Math.round(performance.now() - started)),
      statusCode,
      error: error === null ? null : clean(error).slice(0, 1000),
      excerpt,
      retryAfterMs,
    };
  }

  /** The receiver answered 410 Gone: it asks not to be called again, so the endpoint is disabled. */
  private async disableGone(endpoint: WebhookEndpoint, now: Date): Promise<void> {
    const reason = `The endpoint answered 410 Gone on ${now.toISOString()}, so Chorus stopped sending to it. Enable it again once the URL works.`;
    if (!(await this.deps.webhooks.disableEndpoint(endpoint.id, reason, now))) return;
    this.deps.logger.info(
      { endpointId: endpoint.id },
      'webhook endpoint disabled: the receiver answered 410',
    );
    await this.deps.audit.record(WEBHOOK_ACTOR, {
      action: 'webhook.disabled',
      workspaceId: endpoint.workspaceId,
      targetType: 'webhook_endpoint',
      targetId: endpoint.id,
      data: { reason: 'gone' },
    });
  }

  /**
   * Queues the attempts that should be running but are not: due for a while with no worker on them (their
   * job was lost), or held by a worker whose lock ran out (it died mid-attempt). Duplicates are harmless.
   */
  async sweep(): Promise<{ queued: number }> {
    const now = this.deps.clock.now();
    const due = await this.deps.webhooks.overdue(now, new Date(now.getTime() - SWEEP_GRACE_MS), 500);
    for (const d of due) await this.queue(d.id, d.lockedUntil ? d.attemptCount : d.attemptCount + 1);
    return { queued: due.length };
  }
}
