/** Shapes of webhook endpoints, deliveries and attempts, and how rows become them. */
export interface WebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  description: string;
  events: string[];
  secretId: string;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  workspaceId: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: Date | null;
  lockedUntil: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface WebhookAttempt {
  id: string;
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export const ENDPOINT_COLUMNS = [
  'id',
  'workspace_id',
  'url',
  'description',
  'events',
  'secret_id',
  'enabled',
  'disabled_reason',
  'disabled_at',
  'created_at',
  'updated_at',
] as const;

export type EndpointRow = {
  id: string;
  workspace_id: string;
  url: string;
  description: string;
  events: string[];
  secret_id: string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

export const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  workspaceId: r.workspace_id,
  url: r.url,
  description: r.description,
  events: r.events,
  secretId: r.secret_id,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const DELIVERY_COLUMNS = [
  'id',
  'endpoint_id',
  'workspace_id',
  'event_id',
  'event_type',
  'payload',
  'status',
  'attempt_count',
  'max_attempts',
  'next_attempt_at',
  'locked_until',
  'last_status_code',
  'last_error',
  'delivered_at',
  'created_at',
] as const;

export type DeliveryRow = {
  id: string;
  endpoint_id: string;
  workspace_id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  locked_until: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
};

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  workspaceId: r.workspace_id,
  eventId: r.event_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status,
  attemptCount: r.attempt_count,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  lockedUntil: r.locked_until,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

/** What an attempt's outcome does to its delivery. */
export type AttemptOutcome =
  { status: 'delivered'; now: Date } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };
