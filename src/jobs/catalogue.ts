import { z } from 'zod';

/**
 * Every job Chorus runs: name → versioned payload schema → engine options. A payload shape never changes
 * under a name; a new shape is a new name (`….v2`). Handlers live in their feature's folder and are bound
 * at boot by `checkCatalogue`, which refuses to start when a job has no handler or two.
 *
 * `expireInSeconds` must exceed the longest run a job can take: the engine has no heartbeat and re-runs a
 * job that outlives its expiry while the first run is still going.
 */
export const JOB_CATALOGUE = {
  'sessions.cleanup.v1': {
    payload: z.object({}).strict(),
    description: 'Deletes expired sessions and stale login-throttle entries.',
    cron: '*/15 * * * *',
    expireInSeconds: 600,
    retryLimit: 2,
  },
  'channels.maintenance.v1': {
    payload: z.object({}).strict(),
    description:
      'Refreshes the tokens of channels that expire within the hour, records revoked ones, and drops unfinished sign-ins.',
    cron: '*/10 * * * *',
    expireInSeconds: 1800,
    retryLimit: 1,
  },
  'deliveries.publish.v1': {
    payload: z.object({ deliveryId: z.uuid() }).strict(),
    description:
      'Sends one delivery when it is due: claims it (one conditional update), publishes, records the outcome. Never retried by the engine: the delivery decides.',
    expireInSeconds: 300,
    retryLimit: 0,
    batchSize: 250,
    workers: 8,
    onTime: true,
  },
  'deliveries.reconcile.v1': {
    payload: z.object({ deliveryId: z.uuid() }).strict(),
    description:
      'Settles a delivery whose outcome is unknown: finds the post by its key, or re-sends only where that cannot duplicate.',
    expireInSeconds: 300,
    retryLimit: 0,
    batchSize: 10,
  },
  'deliveries.sweep.v1': {
    payload: z.object({}).strict(),
    description:
      'Every minute: picks up overdue deliveries, turns deliveries stuck in sending into unconfirmed, restarts stalled settling.',
    cron: '* * * * *',
    expireInSeconds: 300,
    retryLimit: 0,
  },
  'queues.evergreen.v1': {
    payload: z.object({ deliveryId: z.uuid() }).strict(),
    description:
      "Puts a copy of a published post of an evergreen category back into its channel's queue (once per delivery).",
    expireInSeconds: 120,
    retryLimit: 3,
  },
  'system.noop.v1': {
    payload: z.object({}).strict(),
    description:
      "Does nothing. Measures the job engine's own throughput (npm run bench -- publish), with the publishing job's concurrency.",
    expireInSeconds: 60,
    retryLimit: 0,
    batchSize: 250,
    workers: 8,
  },
  'audit.retention.v1': {
    payload: z.object({}).strict(),
    description: 'Deletes audit events older than AUDIT_RETENTION_DAYS.',
    cron: '23 3 * * *',
    expireInSeconds: 1800,
    retryLimit: 2,
  },
  'approvals.link-email.v1': {
    payload: z.object({ linkId: z.uuid() }).strict(),
    description:
      'E-mails an approval link to someone without an account (the token is made again from the link row). Retried when the mail server fails.',
    expireInSeconds: 120,
    retryLimit: 8,
  },
  'approvals.expiry.v1': {
    payload: z.object({}).strict(),
    description:
      'Every five minutes: approvals older than their workflow allows expire (of posts not yet sent), and their authors are told.',
    cron: '*/5 * * * *',
    expireInSeconds: 600,
    retryLimit: 1,
  },
  'notifications.retention.v1': {
    payload: z.object({}).strict(),
    description: 'Deletes read in-app notifications older than 90 days (unread ones stay).',
    cron: '41 3 * * *',
    expireInSeconds: 1800,
    retryLimit: 2,
  },
  'webhooks.deliver.v1': {
    payload: z.object({ deliveryId: z.uuid(), attempt: z.number().int().min(1).max(100) }).strict(),
    description:
      'Sends one attempt of a webhook delivery, records it, and schedules the next attempt (as a new job) or ends the delivery.',
    // One request of at most 10 seconds; the delivery's own lock (60 s) keeps a re-run from sending twice.
    expireInSeconds: 120,
    retryLimit: 3,
  },
  'webhooks.retention.v1': {
    payload: z.object({}).strict(),
    description:
      'Deletes finished webhook deliveries (delivered or failed) older than 30 days, with their attempts; pending ones stay.',
    cron: '53 3 * * *',
    expireInSeconds: 1800,
    retryLimit: 2,
  },
  'webhooks.sweep.v1': {
    payload: z.object({}).strict(),
    description:
      'Queues webhook deliveries whose next attempt is overdue with no job to run it (a crashed worker, a restored backup).',
    cron: '*/5 * * * *',
    expireInSeconds: 600,
    retryLimit: 1,
  },
  'feeds.schedule.v1': {
    payload: z.object({}).strict(),
    description: 'Every 5 minutes: queues a poll of every active feed that is due (see docs/feeds.md).',
    cron: '*/5 * * * *',
    expireInSeconds: 300,
    retryLimit: 1,
  },
  'feeds.poll.v1': {
    payload: z.object({ feedId: z.uuid() }).strict(),
    description:
      'Polls one feed (conditional GET) and makes a draft or queued post of each new item; a failure is recorded on the feed, which backs off.',
    // One fetch of at most 15 seconds and at most 10 posts; the item records keep a re-run from posting twice.
    expireInSeconds: 300,
    retryLimit: 0,
  },
  'imports.retention.v1': {
    payload: z.object({}).strict(),
    description:
      'Deletes CSV imports (their checked rows) older than 30 days that are not running; the posts they created stay.',
    cron: '47 3 * * *',
    expireInSeconds: 1800,
    retryLimit: 2,
  },
  'imports.run.v1': {
    payload: z.object({ importId: z.uuid() }).strict(),
    description:
      'Imports the valid rows of a confirmed CSV import, each on its own, recording progress; run again, it continues where it stopped.',
    // A large file with media URLs (each fetch up to its time limit) can take long; the run records every
    // row as it goes, so a re-run after expiry continues rather than repeats.
    expireInSeconds: 4 * 3600,
    retryLimit: 1,
  },
} as const satisfies Record<
  string,
  {
    payload: z.ZodType;
    description: string;
    cron?: string;
    expireInSeconds: number;
    retryLimit: number;
    /** Jobs fetched at once and run concurrently by one worker loop (default 1). */
    batchSize?: number;
    /** Worker loops per process (default 1); in flight at most batchSize × workers. */
    workers?: number;
    /**
     * Jobs sent to start at an instant: wake this queue's workers at that instant rather than at their next
     * poll (which is up to the poll interval later).
     */
    onTime?: boolean;
  }
>;

export type JobName = keyof typeof JOB_CATALOGUE;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOGUE)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export interface JobContext {
  jobId: string;
}

export interface JobHandler<N extends JobName = JobName> {
  name: N;
  handle(payload: JobPayload<N>, context: JobContext): Promise<unknown>;
  /** Runs a whole fetched batch at once (one claim for all, say); it settles each job itself. */
  handleBatch?(payloads: JobPayload<N>[]): Promise<unknown>;
}

export function defineBatchJobHandler<N extends JobName>(
  name: N,
  handle: (payload: JobPayload<N>, context: JobContext) => Promise<unknown>,
  handleBatch: (payloads: JobPayload<N>[]) => Promise<unknown>,
): JobHandler<N> {
  return { name, handle, handleBatch };
}

export function defineJobHandler<N extends JobName>(
  name: N,
  handle: (payload: JobPayload<N>, context: JobContext) => Promise<unknown>,
): JobHandler<N> {
  return { name, handle };
}

export class CatalogueError extends Error {}

/** Binds handlers to names; throws with every problem listed when the catalogue and handlers disagree. */
export function checkCatalogue(handlers: readonly JobHandler[]): Map<JobName, JobHandler> {
  const problems: string[] = [];
  const byName = new Map<JobName, JobHandler>();
  for (const h of handlers) {
    if (!(h.name in JOB_CATALOGUE)) problems.push(`handler for unknown job "${h.name}"`);
    else if (byName.has(h.name)) problems.push(`job "${h.name}" has two handlers`);
    else byName.set(h.name, h);
  }
  for (const name of JOB_NAMES) if (!byName.has(name)) problems.push(`job "${name}" has no handler`);
  if (problems.length > 0) {
    throw new CatalogueError(
      `The job catalogue is inconsistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return byName;
}
