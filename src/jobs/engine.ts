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
 * The job engine (pg-boss) on the application database: on the embedded database through its single
 * connection, on PostgreSQL through its own small pool. The only file that imports pg-boss.
 */
export class JobEngine {
  readonly #boss: PgBoss;
  readonly #handlers: Map<JobName, JobHandler>;
  #started = false;

  constructor(
    database: Database,
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
    this.#boss =
      database.kind === 'postgres' && postgresUrl
        ? new PgBoss({ ...common, connectionString: postgresUrl, max: 4, application_name: 'chorus-jobs' })
        : new PgBoss({ ...common, db: { executeSql: (text, values) => database.executeSql(text, values) } });
    this.#boss.on('error', (error: Error) => this.logger.error({ err: error.message }, 'job engine error'));
  }

  get started(): boolean {
    return this.#started;
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of JOB_NAMES) {
      const def = JOB_CATALOGUE[name];
      if (!(await this.#boss.getQueue(name))) {
        await this.#boss.createQueue(name, {
          name,
          retryLimit: def.retryLimit,
          retryBackoff: true,
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
        const def = JOB_CATALOGUE[name] as { batchSize?: number; workers?: number };
        const batchSize = def.batchSize ?? 1;
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
        }
      }
    }
    this.#started = true;
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
    return this.#boss.send(name, data, options);
  }

  async ping(): Promise<void> {
    if (!this.#started) throw new Error('job engine not started');
    await this.#boss.getQueue(JOB_NAMES[0]!);
  }

  /** Lets running jobs finish (up to `timeoutMs`), then stops. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, timeout: timeoutMs, wait: true, close: true });
  }
}
