import { defineBatchJobHandler, defineJobHandler } from '../../jobs/catalogue.js';
import type { DeliveryEngine } from './delivery-engine.js';
import type { DeliverySettlement } from './delivery-settlement.js';

export const publishingJobs = (engine: DeliveryEngine, settlement: DeliverySettlement) => [
  defineBatchJobHandler(
    'deliveries.publish.v1',
    ({ deliveryId }) => engine.run(deliveryId),
    (payloads) => engine.runMany(payloads.map((p) => p.deliveryId)),
  ),
  defineJobHandler('deliveries.reconcile.v1', ({ deliveryId }) => settlement.settle(deliveryId)),
  defineJobHandler('deliveries.sweep.v1', () => settlement.sweep()),
];
