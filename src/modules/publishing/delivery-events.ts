import type { Logger } from 'pino';
import type { MediaItem } from '../../networks/contract.js';
import type { Delivery, MediaUse } from './publishing.rows.js';

/** What the delivery engine reports to its listeners and how, and what it needs of the media library. */

/** Where the engine reads the bytes of a delivery's media (the media library). */
export interface MediaLoader {
  /** The items in order; `not_found` when an asset left the library, anything else is a storage failure. */
  loadForPublish(workspaceId: string, uses: readonly MediaUse[]): Promise<MediaItem[]>;
}

/** What the engine reports, in the shapes outbound webhooks publish (docs/webhooks.md). */
export interface DeliveryRef {
  deliveryId: string;
  postId: string;
  channelId: string;
  network: string;
}
export interface PublishingEventData {
  'delivery.published': DeliveryRef & { remoteId: string | null; url: string | null; publishedAt: string };
  'delivery.failed': DeliveryRef & { error: { kind: string; message: string }; failedAt: string };
  'delivery.unconfirmed': DeliveryRef & { reason: string; sentAt: string };
}
export type PublishingEvent = keyof PublishingEventData;

export interface PublishingEvents {
  emit<T extends PublishingEvent>(
    workspaceId: string,
    type: T,
    data: PublishingEventData[T],
  ): Promise<unknown>;
  /**
   * The same event for many deliveries of one workspace at once (a worker's batch); a listener without it
   * hears each event through `emit`.
   */
  emitMany?<T extends PublishingEvent>(
    workspaceId: string,
    type: T,
    data: PublishingEventData[T][],
  ): Promise<unknown>;
}

/** The delivery every event names. */
export function deliveryRef(delivery: Delivery, network: string): DeliveryRef {
  return { deliveryId: delivery.id, postId: delivery.postId, channelId: delivery.channelId, network };
}

/** Reports one delivery's event; a listener's failure is logged, never thrown: reporting never fails a publish. */
export function emitDeliveryEvent<T extends PublishingEvent>(
  events: PublishingEvents,
  logger: Logger,
  delivery: Delivery,
  network: string,
  type: T,
  data: Omit<PublishingEventData[T], keyof DeliveryRef>,
) {
  return events
    .emit(delivery.workspaceId, type, {
      ...deliveryRef(delivery, network),
      ...data,
    } as PublishingEventData[T])
    .catch((error: unknown) =>
      logger.warn({ err: (error as Error).message, type }, 'could not emit a publishing event'),
    );
}
