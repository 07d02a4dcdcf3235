import { defineJobHandler } from '../../jobs/catalogue.js';
import type { AuthService } from './auth.service.js';
import type { LoginThrottle } from './throttle.js';

export const sessionCleanupJob = (auth: AuthService, throttle: LoginThrottle) =>
  defineJobHandler('sessions.cleanup.v1', async () => ({
    sessionsDeleted: await auth.deleteExpiredSessions(),
    throttleEntriesDeleted: await throttle.deleteStale(),
  }));
