import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import {
  JOB_CATALOGUE,
  JOB_NAMES,
  checkCatalogue,
  type JobHandler,
  type JobName,
  type JobPayload,
} from './catalogue.js';

export interface JobSendOptions {
  startAfter?: Date;
  singletonKey?: string;
}

export interface JobEngineOptions {
  /** Fetch and run jobs in this process. */
  work: boolean;
  /** Run the engine's maintenance and cron scheduling in this process. */
  maintain: boolean;
  pollSeconds: number;
  onJobDone?: (name: JobName, outcome: 'completed' | 'failed', seconds: number) => void;
}

/**
 * pg-boss 10 picks jobs by id as `id IN (SELECT UNNEST($2::uuid[]))` (completing, failing, cancelling,
 * resuming, deleting a batch). Job statistics nearly always say "almost no job is active", so for that
 * shape PostgreSQL compares every job of the queue with every id of the batch: measured at 100–300 ms to
 * complete 250 publishing jobs in a queue of 10,000, and growing with the queue (completed jobs stay a day).
 * `id = ANY($2::uuid[])` selects the same rows (ids are never null) by primary-key look-ups, whatever the
 * statistics say: under 10 ms. Every statement pg-boss runs passes through here; the test in
 * `engine.test.ts` fails if a pg-boss upgrade changes the shape, so this never silently stops applying.
 */
export function withIdLookups(text: string): string {
  return text.replace(/\bid IN \(SELECT UNNEST\((\$\d+)::uuid\[\]\)\)/g, 'id = ANY($1::uuid[])');
}

/**
 * The job engine (pg-boss) on the application database: on the embedded database through its single
 * connection, on PostgreSQL through its own small pool. The only file that imports pg-boss.
 */
export class JobEngine {
  readonly #boss: PgBoss;
  readonly #handlers: Map<JobName, JobHandler>;
  #started = false;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Queues worked here that wake on time: their workers, and the instants a wake is set for. */
  readonly #onTime = new Map<JobName, { workerIds: readonly string[]; armed: Set<number> }>();
  /** On PostgreSQL, the engine's own connections (closed on stop). */
  readonly #pool: pg.Pool | undefined;

  constructor(
    private readonly database: Database,
    handlers: readonly JobHandler[],
    private readonly logger: Logger,
    private readonly options: JobEngineOptions,
    postgresUrl?: string,
  ) {
    this.#handlers = checkCatalogue(handlers);
    const common = {
      schema: 'pgboss',
      supervise: options.maintain,
      schedule: options.maintain,
      migrate: true,
      // Completed jobs are kept a day for inspection, then deleted by maintenance.
      deleteAfterDays: 7,
      archiveCompletedAfterSeconds: 86_400,
    };
    this.#pool =
      database.kind === 'postgres' && postgresUrl
        ? new pg.Pool({ connectionString: postgresUrl, max: 4, application_name: 'chorus-jobs' })
        : undefined;
    this.#pool?.on('error', (error: Error) =>
      // An idle connection was lost; the pool replaces it. Statements in flight get their own error.
      this.logger.warn({ err: error.message }, 'job engine connection lost'),
    );
    const pool = this.#pool;
    const run = pool
      ? (text: string, values?: unknown[]) => pool.query(text, values)
      : (text: string, values?: unknown[]) => database.executeSql(text, values);
    this.#boss = new PgBoss({
      ...common,
      db: { executeSql: (text: string, values?: unknown[]) => run(withIdLookups(text), values) },
    });
    this.#boss.on('error', (error: Error) => this.logger.error({ err: error.message }, 'job engine error'));
  }

  get started(): boolean {
    return this.#started;
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of JOB_NAMES) {
      const def = JOB_CATALOGUE[name] as (typeof JOB_CATALOGUE)[JobName] & { retryDelaySeconds?: number };
      if (!(await this.#boss.getQueue(name))) {
        await this.#boss.createQueue(name, {
          name,
          retryLimit: def.retryLimit,
          retryBackoff: true,
          ...(def.retryDelaySeconds ? { retryDelay: def.retryDelaySeconds } : {}),
          expireInSeconds: def.expireInSeconds,
        });
      }
    }
    if (this.options.maintain) {
      for (const name of JOB_NAMES) {
        const def = JOB_CATALOGUE[name] as { cron?: string };
        if (def.cron) await this.#boss.schedule(name, def.cron, {}, { tz: 'UTC' });
      }
    }
    if (this.options.work) {
      for (const name of JOB_NAMES) {
        const def = JOB_CATALOGUE[name] as { batchSize?: number; workers?: number; onTime?: boolean };
        const batchSize = def.batchSize ?? 1;
        const workerIds: string[] = [];
        for (let i = 0; i < (def.workers ?? 1); i++) {
          let workerId = '';
          workerId = await this.#boss.work(
            name,
            { batchSize, pollingIntervalSeconds: this.options.pollSeconds },
            async (jobs) => {
              // A full batch means more are waiting: fetch again at once instead of after the poll interval.
              if (jobs.length === batchSize && workerId) this.#boss.notifyWorker(workerId);
              if (batchSize === 1) {
                if (jobs[0]) await this.run(name, jobs[0].id, jobs[0].data);
                return;
              }
              if (this.#handlers.get(name)!.handleBatch) return this.runBatch(name, jobs);
              // A batch runs concurrently; its handlers settle each job themselves and are not retried.
              await Promise.allSettled(jobs.map((job) => this.run(name, job.id, job.data)));
            },
          );
          workerIds.push(workerId);
        }
        if (def.onTime) this.wakeOnTime(name, workerIds);
      }
    }
    this.#started = true;
  }

  /**
   * Wakes a queue's workers when a job becomes due, so a post due at 09:00:00 is fetched then, not at the
   * next poll. Jobs sent from this process set their wake as they are sent; for jobs sent elsewhere (an API
   * process), the database is asked every poll interval how long until the next one (its clock decides
   * when a job is due).
   */
  private wakeOnTime(name: JobName, workerIds: readonly string[]): void {
    this.#onTime.set(name, { workerIds, armed: new Set() });
    const pollMs = this.options.pollSeconds * 1000;
    const look = async () => {
      try {
        const { rows } = await this.database.executeSql(
          `SELECT CEIL(EXTRACT(EPOCH FROM (MIN(start_after) - now())) * 1000)::int AS wait_ms
             FROM pgboss.job WHERE name = $1 AND state = 'created' AND start_after > now()
              AND start_after <= now() + make_interval(secs => $2)`,
          [name, (pollMs * 2) / 1000],
        );
        const waitMs = (rows[0] as { wait_ms: number | null } | undefined)?.wait_ms;
        if (waitMs !== null && waitMs !== undefined) this.wakeAt(name, Date.now() + waitMs);
      } catch (error) {
        this.logger.warn({ job: name, err: (error as Error).message }, 'could not look up the next due job');
      }
      this.later(pollMs, () => void look());
    };
    void look();
  }

  /** Notifies the queue's workers at `at` (once per instant, to the nearest 50 ms). */
  private wakeAt(name: JobName, at: number): void {
    const queue = this.#onTime.get(name);
    if (!queue) return;
    const slot = Math.ceil(at / 50) * 50;
    const waitMs = slot - Date.now();
    // Far-off jobs are found by the look-ups when they come near; past ones by the next fetch.
    if (waitMs < 0 || waitMs > 10 * 60_000 || queue.armed.has(slot)) return;
    queue.armed.add(slot);
    this.later(waitMs + 5, () => {
      queue.armed.delete(slot);
      for (const id of queue.workerIds) this.#boss.notifyWorker(id);
    });
  }

  private later(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#started) then();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  private async run(name: JobName, jobId: string, data: unknown): Promise<unknown> {
    const started = performance.now();
    const log = this.logger.child({ job: name, jobId });
    const parsed = JOB_CATALOGUE[name].payload.safeParse(data);
    if (!parsed.success) {
      log.error({ issues: parsed.error.issues.length }, 'job payload does not match its schema; not retried');
      this.options.onJobDone?.(name, 'failed', (performance.now() - started) / 1000);
      return { rejected: 'invalid payload' };
    }
    try {
      const result = await this.#handlers.get(name)!.handle(parsed.data, { jobId });
      this.options.onJobDone?.(name, 'completed', (performance.now() - started) / 1000);
      log.info({ ms: Math.round(performance.now() - started) }, 'job completed');
      return result;
    } catch (error) {
      this.options.onJobDone?.(name, 'failed', (performance.now() - started) / 1000);
      log.error({ err: (error as Error).message }, 'job failed');
      throw error;
    }
  }

  private async runBatch(name: JobName, jobs: { id: string; data: unknown }[]): Promise<void> {
    const started = performance.now();
    const valid: unknown[] = [];
    for (const job of jobs) {
      const parsed = JOB_CATALOGUE[name].payload.safeParse(job.data);
      if (parsed.success) valid.push(parsed.data);
      else
        this.logger.error({ job: name, jobId: job.id }, 'job payload does not match its schema; not retried');
    }
    let outcome: 'completed' | 'failed' = 'completed';
    try {
      await this.#handlers.get(name)!.handleBatch!(valid as never);
    } catch (error) {
      outcome = 'failed';
      this.logger.error({ job: name, jobs: jobs.length, err: (error as Error).message }, 'job batch failed');
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      for (let i = 0; i < jobs.length; i++) this.options.onJobDone?.(name, outcome, seconds);
    }
  }

  /** Validates the payload against the catalogue before it reaches the queue. */
  async send<N extends JobName>(name: N, payload: JobPayload<N>, options: JobSendOptions = {}) {
    const data = JOB_CATALOGUE[name].payload.parse(payload) as object;
    const id = await this.#boss.send(name, data, options);
    if (options.startAfter) this.wakeAt(name, options.startAfter.getTime());
    return id;
  }

  async ping(): Promise<void> {
    if (!this.#started) throw new Error('job engine not started');
    await this.#boss.getQueue(JOB_NAMES[0]!);
  }

  /** Lets running jobs finish (up to `timeoutMs`), then stops. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const queue of this.#onTime.values()) queue.armed.clear();
    await this.#boss.stop({ graceful: true, timeout: timeoutMs, wait: true, close: true });
    await this.#pool?.end();
  }
}
