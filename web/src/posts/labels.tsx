import type { AttemptOutcome, DeliveryState, PostStatus } from '../types.js';

/** Delivery states in the order a filter offers them: what needs someone first. */
export const DELIVERY_STATES: readonly DeliveryState[] = [
  'failed',
  'unconfirmed',
  'paused',
  'scheduled',
  'sending',
  'published',
  'cancelled',
];

export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  scheduled: 'Scheduled',
  sending: 'Sending',
  published: 'Published',
  failed: 'Failed',
  unconfirmed: 'Unconfirmed',
  paused: 'Paused',
  cancelled: 'Cancelled',
};

const DELIVERY_BADGES: Record<DeliveryState, string> = {
  scheduled: 'badge',
  sending: 'badge badge-busy',
  published: 'badge badge-connected',
  failed: 'badge badge-attention',
  unconfirmed: 'badge badge-attention',
  paused: 'badge badge-held',
  cancelled: 'badge badge-disconnected',
};

export const POST_STATUS_LABELS: Record<PostStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  published: 'Published',
  partly_published: 'Partly published',
  needs_attention: 'Needs attention',
  cancelled: 'Cancelled',
};

const POST_BADGES: Record<PostStatus, string> = {
  draft: 'badge badge-disconnected',
  scheduled: 'badge',
  sending: 'badge badge-busy',
  published: 'badge badge-connected',
  partly_published: 'badge badge-attention',
  needs_attention: 'badge badge-attention',
  cancelled: 'badge badge-disconnected',
};

export const OUTCOME_LABELS: Record<AttemptOutcome, string> = {
  published: 'Published',
  failed: 'Failed',
  retry: 'Tried again',
  unconfirmed: 'No clear answer from the network',
  reconciled_published: 'Confirmed as published',
  reconciled_absent: 'Not found on the network; sent again',
  held: 'Held',
};

export function DeliveryBadge({ state }: { state: DeliveryState }) {
  return <span className={DELIVERY_BADGES[state]}>{DELIVERY_STATE_LABELS[state]}</span>;
}

export function PostStatusBadge({ status }: { status: PostStatus }) {
  return <span className={POST_BADGES[status]}>{POST_STATUS_LABELS[status]}</span>;
}

/** The start of a post's text, on one line. */
export function excerpt(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return 'No text';
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}
