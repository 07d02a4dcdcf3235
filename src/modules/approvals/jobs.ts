import { defineJobHandler } from '../../jobs/catalogue.js';
import type { ApprovalTimers } from './approval-timers.js';
import type { ApprovalLinksService } from './links.service.js';

export const approvalJobs = (timers: ApprovalTimers, links: ApprovalLinksService) => [
  defineJobHandler('approvals.link-email.v1', async ({ linkId }) => ({
    outcome: await links.sendEmail(linkId),
  })),
  defineJobHandler('approvals.expiry.v1', async () => ({ expired: await timers.expireLapsed() })),
];
