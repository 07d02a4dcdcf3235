import { defineJobHandler } from '../../jobs/catalogue.js';
import type { AuditService } from './audit.service.js';

export const auditRetentionJob = (audit: AuditService, retentionDays: number) =>
  defineJobHandler('audit.retention.v1', async () => ({
    deleted: await audit.deleteOlderThan(retentionDays),
  }));
