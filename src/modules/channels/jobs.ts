import { defineJobHandler } from '../../jobs/catalogue.js';
import type { ChannelsService } from './channels.service.js';

export const channelMaintenanceJob = (channels: ChannelsService) =>
  defineJobHandler('channels.maintenance.v1', () => channels.maintain());
