import { AppError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { ThrottleRepository } from './throttle.repository.js';

/**
 * Backoff on repeated failed logins, per account and per client address. After `freeAttempts` failures the
 * key is locked for 30 s, doubling with each further failure up to 15 minutes. Failures older than an hour
 * are forgotten. A success clears the account key.
 */
export interface ThrottlePolicy {
  freeAttempts: number;
}

const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export class LoginThrottle {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly clock: Clock,
  ) {}

  async assertAllowed(keys: string[]): Promise<void> {
    const now = this.clock.now();
    for (const key of keys) {
      const state = await this.repo.get(key);
      if (state?.lockedUntil && state.lockedUntil > now) {
        const seconds = Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000);
        throw new AppError(
          'rate_limited',
          `Too many failed attempts. Wait ${seconds} seconds before trying again, or reset your password with an administrator.`,
          { retryAfterSeconds: seconds },
        );
      }
    }
  }

  /** Records a failure; returns true when the key is now locked. */
  async fail(key: string, policy: ThrottlePolicy): Promise<boolean> {
    const now = this.clock.now();
    const state = await this.repo.get(key);
    const fresh = state && now.getTime() - state.lastFailureAt.getTime() < FORGET_AFTER_MS;
    const failures = fresh ? state.failures + 1 : 1;
    const over = failures - policy.freeAttempts;
    const lockedUntil =
      over >= 0 ? new Date(now.getTime() + Math.min(BASE_LOCK_MS * 2 ** over, MAX_LOCK_MS)) : null;
    await this.repo.put(key, { failures, lastFailureAt: now, lockedUntil });
    return lockedUntil !== null;
  }

  async succeed(key: string): Promise<void> {
    await this.repo.clear(key);
  }

  async deleteStale(): Promise<number> {
    return this.repo.deleteStale(new Date(this.clock.now().getTime() - FORGET_AFTER_MS));
  }
}
