import { defineJobHandler } from '../../jobs/catalogue.js';
import type { Evergreen } from './evergreen.js';

export const evergreenJob = (evergreen: Evergreen) =>
  defineJobHandler('queues.evergreen.v1', ({ deliveryId }) => evergreen.repeat(deliveryId));
