import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { JobSender } from '../../jobs/queue.js';
import type { NetworkAdapter, PublishRequest, PublishResult } from '../../networks/contract.js';
import { NetworkError } from '../../networks/errors.js';
import type { Channel } from '../channels/channels.repository.js';
import type { ChannelsService } from '../channels/channels.service.js';
import { ChannelBudgets } from './budgets.js';
import type { DeliveriesRepository } from './deliveries.repository.js';
import type { ClaimedDelivery, Delivery } from './publishing.rows.js';
import {
  deliveryRef,
  emitDeliveryEvent,
  type DeliveryRef,
  type MediaLoader,
  type PublishingEvent,
  type PublishingEventData,
  type PublishingEvents,
} from './delivery-events.js';

export type {
  MediaLoader,
  PublishingEvent,
  PublishingEventData,
  PublishingEvents,
} from './delivery-events.js';
export { OVERDUE_GRACE_MS, STRANDED_AFTER_MS } from './delivery-settlement.js';

/** Attempts of one delivery before a transient failure becomes a failure a person sees. */
export const MAX_ATTEMPTS = 6;

/** Waits between transient failures: 30 s, 1 min, 2 min, 5 min, 10 min (or the network's reset, if later). */
const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 600_000];

interface PublishedItem {
  delivery: Delivery;
  network: string;
  attemptId: string;
  remoteId: string | null;
  remoteUrl: string | null;
  publishedAt: Date;
  latenessMs: number;
}

export type RunOutcome = 'published' | 'retry' | 'failed' | 'unconfirmed' | 'held' | 'not_claimed';

/**
 * Sends deliveries exactly once, or says honestly that it does not know. The only way into `sending` is the
 * repository's conditional claim; every exit from it is a conditional update too. A publish whose outcome
 * is unknown (a timeout after sending, a worker killed mid-request) is `unconfirmed` and settled by
 * `DeliverySettlement.settle` (delivery-settlement.ts), never retried blindly.
 */
export class DeliveryEngine {
  /** Hears every delivery held when it came due (approvals tell the author when approval is what holds it). */
  onHold: ((deliveryId: string, reason: string) => Promise<void>) | undefined;

  constructor(
    private readonly deps: {
      repo: DeliveriesRepository;
      channels: ChannelsService;
      jobs: JobSender;
      events: PublishingEvents;
      media?: MediaLoader;
      clock: Clock;
      logger: Logger;
      /** Test hook: runs after the network answered and before the answer is recorded. */
      afterSend?: (deliveryId: string) => Promise<void> | void;
    },
  ) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  /** Asks the job engine to run the delivery at its time. Duplicate jobs are harmless: only one claims. */
  enqueue(deliveryId: string, at: Date): Promise<unknown> {
    return this.deps.jobs.send('deliveries.publish.v1', { deliveryId }, { startAfter: at });
  }

  /** The request for a claimed delivery; media bytes are read from the store only when it has media. */
  private async request(claimed: ClaimedDelivery): Promise<PublishRequest> {
    const media =
      claimed.media.length > 0 && this.deps.media
        ? await this.deps.media.loadForPublish(claimed.delivery.workspaceId, claimed.media)
        : [];
    return {
      idempotencyKey: claimed.delivery.idempotencyKey,
      text: claimed.text,
      ...(media.length > 0 ? { media } : {}),
      ...(claimed.thread.length > 0 ? { thread: claimed.thread } : {}),
      ...(Object.keys(claimed.options).length > 0 ? { options: claimed.options } : {}),
    };
  }

  private async adapter(channelId: string): Promise<{ channel: Channel; adapter: NetworkAdapter }> {
    const channel = await this.deps.channels.byId(channelId);
    if (!channel) throw new AppError('conflict', 'The channel no longer exists.');
    return { channel, adapter: await this.deps.channels.adapterFor(channel) };
  }

  /** Runs one delivery if it can be claimed now. */
  async run(deliveryId: string): Promise<RunOutcome> {
    return (await this.runMany([deliveryId]))[0]!;
  }

  /**
   * Runs a worker's batch: one claim for all of them, one adapter per channel, the requests concurrently,
   * and each outcome recorded on its own (one delivery's failure touches no other).
   */
  async runMany(deliveryIds: readonly string[]): Promise<RunOutcome[]> {
    const now = this.now();
    const claimed = new Map(
      (await this.deps.repo.claimMany(deliveryIds, now, newId)).map((c) => [c.delivery.id, c]),
    );
    const adapters = new Map<string, Promise<{ channel: Channel; adapter: NetworkAdapter }>>();
    const published: PublishedItem[] = [];
    const budgets = new ChannelBudgets(this.deps.repo, now);
    const outcomes = await Promise.all(
      deliveryIds.map(async (id): Promise<RunOutcome> => {
        const c = claimed.get(id);
        if (!c) {
          const reason = await this.deps.repo.holdReason(id, now);
          if (reason && (await this.deps.repo.hold(id, reason, now))) {
            await this.onHold?.(id, reason).catch((error: unknown) =>
              this.deps.logger.warn(
                { err: (error as Error).message, deliveryId: id },
                'hold listener failed',
              ),
            );
            return 'held';
          }
          return 'not_claimed';
        }
        let adapter = adapters.get(c.delivery.channelId);
        if (!adapter) {
          adapter = this.adapter(c.delivery.channelId);
          adapters.set(c.delivery.channelId, adapter);
        }
        const wait = await budgets.take(c.delivery.channelId, adapter);
        if (wait) {
          await this.deps.repo.defer(
            { deliveryId: c.delivery.id, attemptId: c.attemptId },
            wait.until,
            wait.reason,
            now,
          );
          await this.enqueue(c.delivery.id, wait.until);
          return 'retry';
        }
        return this.send(c, adapter, published);
      }),
    );
    if (published.length > 0) {
      const recorded = await this.deps.repo.finishPublished(published, this.now());
      const byWorkspace = new Map<string, PublishingEventData['delivery.published'][]>();
      for (const p of published) {
        if (!recorded.has(p.delivery.id)) continue;
        const list = byWorkspace.get(p.delivery.workspaceId) ?? [];
        list.push({
          ...deliveryRef(p.delivery, p.network),
          remoteId: p.remoteId,
          url: p.remoteUrl,
          publishedAt: p.publishedAt.toISOString(),
        });
        byWorkspace.set(p.delivery.workspaceId, list);
      }
      const { events } = this.deps;
      for (const [workspaceId, list] of byWorkspace) {
        await (
          events.emitMany
            ? events.emitMany(workspaceId, 'delivery.published', list)
            : Promise.all(list.map((data) => events.emit(workspaceId, 'delivery.published', data)))
        ).catch((error: unknown) =>
          this.deps.logger.warn(
            { err: (error as Error).message, type: 'delivery.published' },
            'could not emit a publishing event',
          ),
        );
      }
    }
    return outcomes;
  }

  private async send(
    claimed: ClaimedDelivery,
    resolving: Promise<{ channel: Channel; adapter: NetworkAdapter }>,
    published: PublishedItem[],
  ): Promise<RunOutcome> {
    const { delivery } = claimed;
    let channel: Channel;
    let adapter: NetworkAdapter;
    try {
      ({ channel, adapter } = await resolving);
    } catch (error) {
      // Nothing left Chorus: the channel lost its credential between the claim and now.
      const reason =
        error instanceof AppError
          ? `${error.message} The post waits.`
          : 'The channel could not be used. The post waits.';
      await this.finish(claimed, { state: 'paused', attemptOutcome: 'held', reason });
      return 'held';
    }
    if (!adapter.publisher) {
      await this.finish(claimed, {
        state: 'failed',
        attemptOutcome: 'failed',
        reason: `${adapter.metadata.name} channels cannot publish.`,
        errorKind: 'invalid_content',
      });
      return 'failed';
    }
    let request: PublishRequest;
    try {
      request = await this.request(claimed);
    } catch (error) {
      return this.onMediaFailure(claimed, channel, error);
    }
    let result: PublishResult;
    try {
      result = await adapter.publisher.publish(request);
    } catch (error) {
      return this.onFailure(claimed, channel, error);
    }
    await this.deps.afterSend?.(delivery.id);
    const at = this.now();
    // Recorded with the rest of the batch in one statement (see runMany).
    published.push({
      delivery,
      network: channel.network,
      attemptId: claimed.attemptId,
      remoteId: result.remoteId,
      remoteUrl: result.url,
      publishedAt: at,
      latenessMs: Math.max(0, at.getTime() - delivery.dueAt.getTime()),
    });
    return 'published';
  }

  private async onFailure(claimed: ClaimedDelivery, channel: Channel, error: unknown): Promise<RunOutcome> {
    const { delivery } = claimed;
    const now = this.now();
    if (!(error instanceof NetworkError)) {
      // Something unexpected after the request may have left: treat it as unknown, never as "not sent".
      this.deps.logger.error({ err: (error as Error).message, deliveryId: delivery.id }, 'publish threw');
      return this.unconfirmed(claimed, `Unexpected failure while publishing: ${(error as Error).message}`);
    }
    switch (error.kind) {
      case 'unknown_outcome':
        return this.unconfirmed(claimed, error.message);
      case 'reconnect_required': {
        await this.deps.channels.recordUseFailure(channel, error);
        await this.finish(claimed, {
          state: 'paused',
          attemptOutcome: 'held',
          reason: `${error.message} The post waits and is sent once the channel is reconnected.`,
          errorKind: error.kind,
          errorMessage: error.message,
        });
        return 'held';
      }
      case 'invalid_content':
        await this.finish(claimed, {
          state: 'failed',
          attemptOutcome: 'failed',
          reason: `${channel.name} refused the post: ${error.message} Edit the post, then retry.`,
          errorKind: error.kind,
          errorMessage: error.message,
        });
        await this.emit(delivery, channel.network, 'delivery.failed', {
          error: { kind: error.kind, message: error.message },
          failedAt: now.toISOString(),
        });
        return 'failed';
      default: {
        // transient, rate_limited, auth_expired, quota_exhausted: wait, then try again — the request
        // provably did not publish (the network answered with an error).
        if (delivery.attempts >= MAX_ATTEMPTS) {
          await this.finish(claimed, {
            state: 'failed',
            attemptOutcome: 'failed',
            reason: `${channel.name} kept failing (${delivery.attempts} attempts): ${error.message} Retry when the network is back.`,
            errorKind: error.kind,
            errorMessage: error.message,
          });
          await this.emit(delivery, channel.network, 'delivery.failed', {
            error: { kind: error.kind, message: error.message },
            failedAt: now.toISOString(),
          });
          return 'failed';
        }
        const backoff = new Date(now.getTime() + (BACKOFF_MS[delivery.attempts - 1] ?? 600_000));
        const next = error.resetAt && error.resetAt > backoff ? error.resetAt : backoff;
        await this.finish(claimed, {
          state: 'scheduled',
          attemptOutcome: 'retry',
          reason: `${error.message} Chorus tries again at ${next.toISOString()}.`,
          nextAttemptAt: next,
          errorKind: error.kind,
          errorMessage: error.message,
        });
        await this.enqueue(delivery.id, next);
        return 'retry';
      }
    }
  }

  /**
   * Nothing was sent: an asset left the library (the post cannot go out as written: failed, a person
   * edits it), or the media store failed (tried again later, like a network's transient failure).
   */
  private async onMediaFailure(
    claimed: ClaimedDelivery,
    channel: Channel,
    error: unknown,
  ): Promise<RunOutcome> {
    const message = (error as Error).message;
    if (error instanceof AppError && error.code === 'not_found') {
      await this.finish(claimed, {
        state: 'failed',
        attemptOutcome: 'failed',
        reason: `${message} Nothing was sent to ${channel.name}.`,
        errorKind: 'invalid_content',
        errorMessage: message,
      });
      await this.emit(claimed.delivery, channel.network, 'delivery.failed', {
        error: { kind: 'invalid_content', message },
        failedAt: this.now().toISOString(),
      });
      return 'failed';
    }
    this.deps.logger.warn({ err: message, deliveryId: claimed.delivery.id }, 'could not read media');
    return this.onFailure(
      claimed,
      channel,
      new NetworkError(
        channel.network,
        'transient',
        `Chorus could not read the post's media from storage (${message}).`,
      ),
    );
  }

  private async unconfirmed(claimed: ClaimedDelivery, message: string): Promise<RunOutcome> {
    await this.deps.afterSend?.(claimed.delivery.id);
    await this.finish(claimed, {
      state: 'unconfirmed',
      attemptOutcome: 'unconfirmed',
      reason: `${message} Chorus is checking whether it was published before doing anything else.`,
      errorKind: 'unknown_outcome',
      errorMessage: message,
    });
    await this.deps.jobs.send(
      'deliveries.reconcile.v1',
      { deliveryId: claimed.delivery.id },
      { startAfter: new Date(this.now().getTime() + 15_000) },
    );
    return 'unconfirmed';
  }

  private finish(
    claimed: ClaimedDelivery,
    outcome: Omit<Parameters<DeliveriesRepository['finish']>[1], 'now'>,
  ): Promise<boolean> {
    return this.deps.repo.finish(
      { deliveryId: claimed.delivery.id, attemptId: claimed.attemptId },
      { ...outcome, now: this.now() },
    );
  }

  private emit<T extends PublishingEvent>(
    delivery: Delivery,
    network: string,
    type: T,
    data: Omit<PublishingEventData[T], keyof DeliveryRef>,
  ) {
    return emitDeliveryEvent(this.deps.events, this.deps.logger, delivery, network, type, data);
  }
}
