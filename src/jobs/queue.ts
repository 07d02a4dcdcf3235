import { AppError } from '../core/errors.js';
import { JOB_CATALOGUE, type JobName, type JobPayload } from './catalogue.js';

export interface SendOptions {
  /** Not before this instant (a retry's backoff). */
  startAfter?: Date;
}

/** Whatever actually queues jobs: the job engine, or a recorder in tests. */
export interface JobSender {
  send<N extends JobName>(name: N, payload: JobPayload<N>, options?: SendOptions): Promise<unknown>;
}

/**
 * How services queue jobs. Services are built before the job engine (the engine needs their handlers), so
 * the runtime attaches the engine once it has started; until then, queuing fails with a clear error rather
 * than losing the job. Payloads are checked against the catalogue before they are handed on.
 */
export class JobQueue implements JobSender {
  #target: JobSender | undefined;

  attach(target: JobSender): void {
    this.#target = target;
  }

  async send<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    options: SendOptions = {},
  ): Promise<unknown> {
    const data = JOB_CATALOGUE[name].payload.parse(payload) as JobPayload<N>;
    if (!this.#target) {
      throw new AppError(
        'unavailable',
        'The job engine is not running in this process, so the work could not be queued. Try again shortly.',
      );
    }
    return this.#target.send(name, data, options);
  }
}
