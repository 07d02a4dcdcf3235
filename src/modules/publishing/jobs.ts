import { defineBatchJobHandler, defineJobHandler } from '../../jobs/catalogue.js';
import type { DeliveryEngine } from './delivery-engine.js';

export const publishingJobs = (engine: DeliveryEngine) => [
  defineBatchJobHandler(
    'deliveries.publish.v1',
    ({ deliveryId }) => engine.run(deliveryId),
    (payloads) => engine.runMany(payloads.map((p) => p.deliveryId)),
  ),
  defineJobHandler('deliveries.reconcile.v1', ({ deliveryId }) => engine.settle(deliveryId)),
  defineJobHandler('deliveries.sweep.v1', () => engine.sweep()),
];
