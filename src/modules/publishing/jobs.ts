import { defineJobHandler } from '../../jobs/catalogue.js';
import type { DeliveryEngine } from './delivery-engine.js';

export const publishingJobs = (engine: DeliveryEngine) => [
  defineJobHandler('deliveries.publish.v1', ({ deliveryId }) => engine.run(deliveryId)),
  defineJobHandler('deliveries.reconcile.v1', ({ deliveryId }) => engine.settle(deliveryId)),
  defineJobHandler('deliveries.sweep.v1', () => engine.sweep()),
];
