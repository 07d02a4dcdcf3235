import type { NetworkAdapter } from '../../networks/contract.js';
import type { Channel } from '../channels/channels.repository.js';
import type { DeliveriesRepository } from './deliveries.repository.js';

interface Budget {
  left: number;
  until: Date;
  reason: string;
}

/**
 * Whether a channel may take one more post now, for one worker batch: the request budget its network last
 * reported (if it is used up until a reset), and the budgets the network declares (posts per window,
 * counted from what Chorus published). Chorus waits instead of collecting 429s.
 */
export class ChannelBudgets {
  readonly #budgets = new Map<string, Promise<Budget>>();

  constructor(
    private readonly repo: Pick<DeliveriesRepository, 'publishedSince'>,
    private readonly now: Date,
  ) {}

  /** Null: send now. Otherwise when, and why, the post waits. */
  async take(
    channelId: string,
    resolving: Promise<{ channel: Channel; adapter: NetworkAdapter }>,
  ): Promise<{ until: Date; reason: string } | null> {
    let pending = this.#budgets.get(channelId);
    if (!pending) {
      pending = this.load(resolving);
      this.#budgets.set(channelId, pending);
    }
    const budget = await pending;
    if (budget.left > 0) {
      budget.left -= 1;
      return null;
    }
    return { until: budget.until, reason: budget.reason };
  }

  private async load(resolving: Promise<{ channel: Channel; adapter: NetworkAdapter }>): Promise<Budget> {
    const now = this.now;
    const budget: Budget = { left: Number.POSITIVE_INFINITY, until: now, reason: '' };
    let resolved: { channel: Channel; adapter: NetworkAdapter };
    try {
      resolved = await resolving;
    } catch {
      return budget;
    }
    const { channel, adapter } = resolved;
    const q = channel.quota;
    if (q && q.resetAt && q.resetAt > now && q.remaining < budget.left) {
      budget.left = q.remaining;
      budget.until = q.resetAt;
      budget.reason = `${channel.name} has used its ${adapter.metadata.name} request budget (${q.limit} ${q.scope}); Chorus sends when it resets at ${q.resetAt.toISOString()}.`;
    }
    for (const rate of adapter.limits.rate ?? []) {
      if (rate.scope !== 'channel') continue;
      const windowMs = rate.perSeconds * 1000;
      const used = await this.repo.publishedSince(channel.id, new Date(now.getTime() - windowMs));
      const left = Math.max(0, rate.requests - used);
      if (left < budget.left) {
        budget.left = left;
        budget.until = new Date(now.getTime() + Math.min(windowMs, 60_000));
        budget.reason = `${channel.name} reached ${adapter.metadata.name}'s limit of ${rate.requests} posts per ${rate.perSeconds} s; Chorus sends the rest as the budget frees up.`;
      }
    }
    return budget;
  }
}
