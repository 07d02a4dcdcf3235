/** Shapes of the API: webhook endpoints and their deliveries. */

export interface WebhookEventInfo {
  type: string;
  description: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** Why Chorus disabled it (the receiver answered 410 Gone); null when a person disabled it. */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Returned by creating an endpoint and rotating its secret: the secret is never shown again. */
export interface WebhookWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface CreateWebhookInput {
  url: string;
  description?: string;
  events: string[];
}

export interface UpdateWebhookInput {
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: Record<string, unknown>;
  attempts: WebhookAttempt[];
}

export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
}
