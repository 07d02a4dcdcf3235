import type { PublishingEvents } from './delivery-engine.js';

/**
 * Several listeners heard as one (outbound webhooks, in-app notifications, …): each gets every event, at the
 * same time; one that fails neither stops the others nor hides its error, which is thrown once all are done
 * (the engine logs it and carries on: reporting never fails a publish).
 */
export function allListeners(...listeners: PublishingEvents[]): PublishingEvents {
  return {
    async emit(workspaceId, type, data) {
      const results = await Promise.allSettled(listeners.map((l) => l.emit(workspaceId, type, data)));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length > 0) {
        throw new AggregateError(
          errors,
          errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '),
        );
      }
      return results.length;
    },
  };
}
