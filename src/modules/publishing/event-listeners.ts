import type { PublishingEvents } from './delivery-engine.js';

/**
 * Several listeners heard as one (outbound webhooks, in-app notifications, …): each gets every event, at the
 * same time; one that fails neither stops the others nor hides its error, which is thrown once all are done
 * (the engine logs it and carries on: reporting never fails a publish).
 */
export function allListeners(...listeners: PublishingEvents[]): Required<PublishingEvents> {
  return {
    emit: (workspaceId, type, data) => settleAll(listeners.map((l) => () => l.emit(workspaceId, type, data))),
    emitMany: (workspaceId, type, list) =>
      settleAll(
        listeners.map((l) => async () => {
          if (l.emitMany) return l.emitMany(workspaceId, type, list);
          for (const data of list) await l.emit(workspaceId, type, data);
        }),
      ),
  };
}

/** Runs every call; throws all their errors together once all are done. */
async function settleAll(calls: (() => Promise<unknown>)[]): Promise<number> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length > 0) {
    throw new AggregateError(
      errors,
      errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '),
    );
  }
  return results.length;
}
