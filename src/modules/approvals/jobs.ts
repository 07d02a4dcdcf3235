import { defineJobHandler } from '../../jobs/catalogue.js';
import type { ApprovalsService } from './approvals.service.js';
import type { ApprovalLinksService } from './links.service.js';

export const approvalJobs = (approvals: ApprovalsService, links: ApprovalLinksService) => [
  defineJobHandler('approvals.link-email.v1', async ({ linkId }) => ({
    outcome: await links.sendEmail(linkId),
  })),
  defineJobHandler('approvals.expiry.v1', async () => ({ expired: await approvals.expireLapsed() })),
];
