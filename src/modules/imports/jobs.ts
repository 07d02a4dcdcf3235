import { defineJobHandler } from '../../jobs/catalogue.js';
import type { ImportsService } from './imports.service.js';

export const importRunJob = (imports: ImportsService) =>
  defineJobHandler('imports.run.v1', ({ importId }) => imports.run(importId).then((i) => i?.doneRows ?? 0));

export const importRetentionJob = (imports: ImportsService) =>
  defineJobHandler('imports.retention.v1', () => imports.deleteOld());
