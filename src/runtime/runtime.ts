import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../config/config.js';
import { migrate, openDatabase, type Database } from '../db/database.js';
import { JobEngine } from '../jobs/engine.js';
import { createApp } from '../http/app.js';
import { createMetrics } from '../http/metrics.js';
import { loadKeyring, type Keyring } from '../modules/vault/keyring.js';
import type { Mailer } from '../modules/mail/mailer.js';
import { createServices, type Services } from './services.js';
import { packageVersion, webRoot } from './package-root.js';
import { lockDataDir } from './data-dir-lock.js';

export type Mode = 'all' | 'api' | 'worker';

export interface Runtime {
  database: Database;
  services: Services;
  jobs: JobEngine | null;
  server: ServerType | null;
  port: number | null;
  stop(): Promise<void>;
}

export async function openStorage(
  config: Config,
  logger: Logger,
): Promise<{ database: Database; keyring: Keyring }> {
  const unlock = config.database.kind === 'pglite' ? lockDataDir(config.dataDir) : () => undefined;
  let opened: Database;
  try {
    opened = await openDatabase(
      config.database.kind === 'pglite' ? { kind: 'pglite', dir: config.database.dir } : config.database,
    );
  } catch (error) {
    unlock();
    throw error;
  }
  const database: Database = {
    ...opened,
    close: async () => {
      await opened.close();
      unlock();
    },
  };
  const applied = await migrate(database);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const keyring = loadKeyring({
    secretKey: config.CHORUS_SECRET_KEY,
    previousKeys: config.CHORUS_SECRET_KEY_PREVIOUS,
    dataDir: config.dataDir,
    onGenerated: (file) =>
      logger.warn(
        { file },
        'Generated a new secret key in the data directory. Back it up with the data: without it, stored channel credentials cannot be decrypted. Set CHORUS_SECRET_KEY to manage the key yourself.',
      ),
  });
  return { database, keyring };
}

/**
 * Boots Chorus: database and migrations, services, the job engine and (unless worker-only) the HTTP server.
 * `all` is the one-process embedded mode; `api` and `worker` split the two roles over one PostgreSQL.
 */
export async function startRuntime(
  config: Config,
  mode: Mode,
  logger: Logger,
  options: { clock?: Clock; mailer?: Mailer; listen?: boolean } = {},
): Promise<Runtime> {
  if (mode !== 'all' && config.database.kind !== 'postgres') {
    throw new Error(
      `\`chorus ${mode}\` runs beside other processes and needs a shared PostgreSQL: set DATABASE_URL. For a single process on the embedded database use \`chorus start\`.`,
    );
  }
  const { database, keyring } = await openStorage(config, logger);
  const metrics = createMetrics();
  // The chaos run's hook: a worker kills itself (as kill -9 would) between a network's answer and the
  // commit that records it, with this probability. Never set outside `npm run chaos`.
  const crashAfterSend = Number(process.env.CHORUS_TEST_CRASH_AFTER_SEND ?? 0);
  const services = createServices({
    ...(crashAfterSend > 0
      ? {
          afterSend: () => {
            if (Math.random() < crashAfterSend) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
    database,
    config,
    clock: options.clock ?? systemClock,
    logger,
    keyring,
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  const jobs = new JobEngine(
    database,
    services.jobHandlers,
    logger,
    {
      work: mode !== 'api',
      maintain: mode !== 'api',
      pollSeconds: config.JOB_POLL_SECONDS,
      onJobDone: (name, outcome, seconds) => metrics.observeJob(name, outcome, seconds),
    },
    config.database.kind === 'postgres' ? config.database.url : undefined,
  );
  await jobs.start();
  services.jobs.attach(jobs);

  let server: ServerType | null = null;
  let port: number | null = null;
  if (mode !== 'worker' && options.listen !== false) {
    const app = createApp({
      services,
      metrics,
      logger,
      version: packageVersion(),
      webRoot: webRoot(),
      ready: async () => ({
        database: await database.ping().then(
          () => true,
          () => false,
        ),
        jobs: await jobs.ping().then(
          () => true,
          () => false,
        ),
      }),
    });
    port = await new Promise<number>((resolve, reject) => {
      server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
        resolve(info.port),
      );
      server.once('error', reject);
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    database,
    services,
    jobs,
    server,
    port,
    stop: () =>
      (stopping ??= (async () => {
        if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
        await jobs.stop();
        await database.close();
      })()),
  };
}
