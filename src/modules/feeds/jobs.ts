import { defineJobHandler } from '../../jobs/catalogue.js';
import type { FeedsService } from './feeds.service.js';

export const feedJobs = (feeds: FeedsService) => [
  defineJobHandler('feeds.schedule.v1', () => feeds.queueDue()),
  defineJobHandler('feeds.poll.v1', ({ feedId }) => feeds.poll(feedId)),
];
