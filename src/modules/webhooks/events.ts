/**
 * The events a workspace can subscribe webhook endpoints to, and the `data` each carries. docs/webhooks.md
 * documents the same shapes for receivers; a change here is a change to a public contract (add fields,
 * never rename or remove them).
 */
export const WEBHOOK_EVENTS = {
  'delivery.published': 'A post was published to a channel.',
  'delivery.failed': 'A post could not be published to a channel, and Chorus stopped trying.',
  'delivery.unconfirmed':
    'Chorus sent a post to a channel but could not confirm it arrived (check the channel before retrying).',
  'channel.needs_reconnect': 'A channel stopped working and must be reconnected before it can publish again.',
} as const;

/** Events endpoints subscribe to. */
export type SubscribableEvent = keyof typeof WEBHOOK_EVENTS;
export const SUBSCRIBABLE_EVENTS = Object.keys(WEBHOOK_EVENTS) as SubscribableEvent[];

/** Every event type a delivery can carry: the subscribable ones, and `ping`, sent by the test action. */
export type WebhookEventType = SubscribableEvent | 'ping';

export function isSubscribableEvent(value: string): value is SubscribableEvent {
  return Object.hasOwn(WEBHOOK_EVENTS, value);
}

/** Which post went to which channel: shared by the three delivery events. */
interface PostDeliveryRef {
  /** The publishing engine's delivery of a post to one channel. */
  deliveryId: string;
  postId: string;
  channelId: string;
  /** The channel's network id, as in GET /api/v1/networks. */
  network: string;
}

/** The `data` of each event type. */
export interface WebhookEventData {
  'delivery.published': PostDeliveryRef & {
    /** The post's id on the network, and its address, when the network reports them. */
    remoteId: string | null;
    url: string | null;
    publishedAt: string;
  };
  'delivery.failed': PostDeliveryRef & {
    /** A short machine-readable reason (the network error kind) and a message a person can act on. */
    error: { kind: string; message: string };
    failedAt: string;
  };
  'delivery.unconfirmed': PostDeliveryRef & {
    reason: string;
    sentAt: string;
  };
  'channel.needs_reconnect': {
    channelId: string;
    network: string;
    name: string;
    reason: string | null;
  };
  ping: { endpointId: string; message: string };
}

/** The JSON body of every webhook request. */
export interface WebhookPayload<T extends WebhookEventType = WebhookEventType> {
  /** The event's id: the same for every endpoint that receives this event. */
  id: string;
  type: T;
  createdAt: string;
  workspaceId: string;
  data: WebhookEventData[T];
}
