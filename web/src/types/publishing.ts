/** Shapes of the API: publishing pauses and the deliveries that need someone. */

import type { Delivery } from './posts.js';

export type PauseScope = 'global' | 'workspace' | 'channel';

export interface PublishingPause {
  scope: PauseScope;
  channelId: string | null;
  reason: string | null;
  pausedAt: string;
}

export interface AttentionDelivery extends Delivery {
  /** The start of the post's text. */
  postBody: string;
}

export interface PublishingOverview {
  pauses: PublishingPause[];
  /** Failed, unconfirmed and held deliveries. */
  deliveries: AttentionDelivery[];
}

export type ResolveDeliveryInput = { as: 'published'; url?: string } | { as: 'send_again' };

export interface PauseInput {
  channelId?: string;
  reason?: string;
}

export type ResumeMode = 'send_now' | 'reschedule';

export interface ResumeInput {
  channelId?: string;
  mode: ResumeMode;
  spacingMinutes?: number;
}
