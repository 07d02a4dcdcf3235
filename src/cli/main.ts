import { Command, Option } from 'commander';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { CatalogueError } from '../jobs/catalogue.js';
import { JobEngine } from '../jobs/engine.js';
import { createLogger } from '../core/logger.js';
import { AppError } from '../core/errors.js';
import { startRuntime, openStorage, type Mode } from '../runtime/runtime.js';
import { createServices } from '../runtime/services.js';
import { systemClock } from '../core/clock.js';
import { backup, restore, RestoreError } from '../db/backup.js';
import { SYSTEM_ACTOR } from '../modules/audit/audit.service.js';
import { PERMISSION_IDS } from '../modules/members/permissions.js';
import { addKeyToFile, dropPreviousKeysFromFile } from '../modules/vault/keyring.js';
import { VaultService } from '../modules/vault/vault.service.js';
import { VaultRepository } from '../modules/vault/vault.repository.js';
import { packageVersion } from '../runtime/package-root.js';
import { importPosts, terminalOutput } from './import-posts.js';
import { repositories } from '../db/repositories.js';

const program = new Command('chorus')
  .description('Chorus: social media management — plan, publish, engage and measure.')
  .version(packageVersion());

function config(): Config {
  return loadConfig();
}

async function serve(mode: Mode): Promise<void> {
  const started = performance.now();
  const cfg = config();
  const logger = createLogger(cfg.LOG_LEVEL);
  const runtime = await startRuntime(cfg, mode, logger);
  const ms = Math.round(performance.now() - started);
  if (runtime.port !== null) {
    logger.info(
      { mode, port: runtime.port, database: cfg.database.kind, startupMs: ms },
      `Chorus is running on ${cfg.publicUrl}`,
    );
  } else {
    logger.info({ mode, database: cfg.database.kind, startupMs: ms }, 'Chorus worker is running');
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing running jobs and requests');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** For admin commands: storage and services without the HTTP server or job workers. */
async function withServices<T>(
  fn: (s: ReturnType<typeof createServices>, storage: Awaited<ReturnType<typeof openStorage>>) => Promise<T>,
) {
  const cfg = config();
  // Admin commands print results on stdout; their logs go to stderr so `$(chorus token create …)` is clean.
  const logger = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, pino.destination(2));
  const storage = await openStorage(cfg, logger);
  try {
    return await fn(createServices({ ...storage, config: cfg, clock: systemClock, logger }), storage);
  } finally {
    await storage.database.close();
  }
}

program
  .command('start')
  .description('Everything in one process: web app, API, jobs (embedded database unless DATABASE_URL is set)')
  .action(() => serve('all'));
program
  .command('api')
  .description('HTTP API and web app only (needs DATABASE_URL); run workers separately')
  .action(() => serve('api'));
program
  .command('worker')
  .description('Job worker only (needs DATABASE_URL); run as many as you like')
  .action(() => serve('worker'));

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    await withServices(async () => undefined);
    console.log('Database is up to date.');
  });

const user = program.command('user').description('Manage users');
user
  .command('create')
  .description('Create a user who owns a new organization with a first workspace')
  .requiredOption('--email <email>', 'login e-mail')
  .requiredOption('--password <password>', 'password (at least 12 characters)')
  .requiredOption('--org <name>', 'organization name')
  .option('--name <name>', 'display name (default: the part of the e-mail before @)')
  .option('--workspace <name>', 'first workspace name (default: the organization name)')
  .option('--timezone <zone>', 'IANA time zone of the first workspace', 'UTC')
  .action(
    async (o: {
      email: string;
      password: string;
      org: string;
      name?: string;
      workspace?: string;
      timezone: string;
    }) => {
      const result = await withServices((s) =>
        s.setup.createOwner(
          {
            email: o.email,
            password: o.password,
            name: o.name ?? o.email.split('@')[0] ?? o.email,
            organizationName: o.org,
            workspaceName: o.workspace ?? o.org,
            timezone: o.timezone,
          },
          SYSTEM_ACTOR,
        ),
      );
      console.log(
        `Created ${result.user.email} as owner of "${o.org}" with workspace "${result.workspace.name}" (${result.workspace.id}).`,
      );
    },
  );

const token = program.command('token').description('Manage personal API tokens');
token
  .command('create')
  .description('Create an API token for a user; prints the secret once')
  .requiredOption('--email <email>', 'the user the token acts as')
  .requiredOption('--name <name>', 'a name to recognise the token by')
  .option('--workspace <id...>', 'workspace ids (default: all the user can reach)')
  .option(
    '--permissions <list>',
    `comma-separated permissions, or "all" the user holds (${PERMISSION_IDS.join(', ')})`,
    'all',
  )
  .option('--expires-in-days <days>', 'expiry in days (default: never)')
  .action(
    async (o: {
      email: string;
      name: string;
      workspace?: string[];
      permissions: string;
      expiresInDays?: string;
    }) => {
      const secret = await withServices(async (s) => {
        const u = await s.users.findByEmail(o.email);
        if (!u) throw new AppError('not_found', `No user with e-mail ${o.email}.`);
        const reachable = await s.workspaces.listFor(u.id);
        const workspaceIds = o.workspace ?? reachable.map((w) => w.workspace.id);
        const permissions =
          o.permissions === 'all'
            ? PERMISSION_IDS.filter((p) =>
                reachable
                  .filter((w) => workspaceIds.includes(w.workspace.id))
                  .every((w) => w.permissions.includes(p)),
              )
            : o.permissions.split(',').map((p) => p.trim());
        const created = await s.tokens.create(
          u.id,
          {
            name: o.name,
            workspaceIds,
            permissions,
            expiresInDays: o.expiresInDays ? Number(o.expiresInDays) : undefined,
          },
          { ...SYSTEM_ACTOR, userId: u.id },
        );
        return created.secret;
      });
      console.log(secret);
    },
  );

program
  .command('backup <file>')
  .description('Write a consistent, portable copy of all data to <file> (gzip JSON lines)')
  .action(async (file: string) => {
    const counts = await withServices(async (_s, storage) => backup(storage.database, file));
    console.log(
      `Backup written to ${file}: ${Object.entries(counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}.`,
    );
    console.log('Keep the secret key with it (CHORUS_SECRET_KEY, or secret-key.json in the data directory).');
  });

program
  .command('restore <file>')
  .description('Restore a backup into an empty data directory or an empty PostgreSQL database')
  .action(async (file: string) => {
    const counts = await withServices(async (_s, storage) => restore(storage.database, file));
    console.log(`Restored ${Object.values(counts).reduce((a, b) => a + b, 0)} rows from ${file}.`);
    console.log(
      'Put the secret key of the backed-up instance in place before starting: copy its secret-key.json into the data directory (or set the same CHORUS_SECRET_KEY). Without it, stored channel credentials cannot be read.',
    );
  });

const secrets = program.command('secrets').description('Manage the encryption of stored secrets');
secrets
  .command('rotate')
  .description(
    'Re-encrypt every stored secret with the active key. With a generated key file, first makes a new key. With CHORUS_SECRET_KEY, set the new key there and the old one in CHORUS_SECRET_KEY_PREVIOUS, then run this.',
  )
  .action(async () => {
    const cfg = config();
    const fileKey = !cfg.CHORUS_SECRET_KEY;
    const result = await withServices(async (_s, storage) => {
      const keyring = fileKey ? addKeyToFile(cfg.dataDir) : storage.keyring;
      const vault = new VaultService(new VaultRepository(storage.database.db), keyring);
      const r = await vault.rotate();
      if (fileKey) dropPreviousKeysFromFile(cfg.dataDir);
      return { ...r, keyId: keyring.active.id };
    });
    console.log(`Re-encrypted ${result.reencrypted} secrets; every secret is now under key ${result.keyId}.`);
    if (!fileKey) console.log('You can now remove CHORUS_SECRET_KEY_PREVIOUS.');
  });

const publishing = program
  .command('publishing')
  .description('Pause or resume publishing for every workspace (the operator’s brake)');
publishing
  .command('pause')
  .description(
    'Hold every due post in every workspace until `chorus publishing resume`; nothing held is sent',
  )
  .option('--reason <text>', 'shown to every workspace next to its held posts')
  .action(async (options: { reason?: string }) => {
    await withServices((s) => s.pauses.pauseEverything(SYSTEM_ACTOR, options.reason?.trim() || null));
    console.log('Publishing is paused everywhere. Held posts wait; resume with `chorus publishing resume`.');
  });
publishing
  .command('resume')
  .description('Lift the global pause and release the held posts')
  .addOption(
    new Option('--mode <mode>', 'send held posts now, or keep future times and spread overdue ones')
      .choices(['send_now', 'reschedule'])
      .default('reschedule'),
  )
  .option('--spacing-minutes <n>', 'minutes between released posts of one channel', '15')
  .action(async (options: { mode: 'send_now' | 'reschedule'; spacingMinutes: string }) => {
    const spacing = Number(options.spacingMinutes);
    if (!Number.isInteger(spacing) || spacing < 1 || spacing > 1440) {
      throw new AppError('invalid_request', '--spacing-minutes must be a whole number from 1 to 1440.');
    }
    const result = await withServices(async (s, storage) => {
      // Released posts are queued on the job engine (send-only here; the workers send them).
      const engine = new JobEngine(
        storage.database,
        s.jobHandlers,
        createLogger('warn', pino.destination(2)),
        { work: false, maintain: false, pollSeconds: 2 },
        config().database.kind === 'postgres' ? config().DATABASE_URL : undefined,
      );
      await engine.start();
      s.jobs.attach(engine);
      try {
        return await s.pauses.resumeEverything(SYSTEM_ACTOR, options.mode, spacing);
      } finally {
        await engine.stop();
      }
    });
    console.log(`Publishing resumed everywhere; ${result.released} held posts released (${options.mode}).`);
  });

const imports = program.command('import').description('Bring content into Chorus from files');
imports
  .command('posts <file>')
  .description(
    'Import posts from a CSV file (the Chorus layout or a Hootsuite bulk file, see docs/import.md): shows every row’s problems, then imports the valid rows',
  )
  .requiredOption('--workspace <id>', 'the workspace to import into')
  .option('--channel <id>', 'Hootsuite files: the channel every row goes to (id or name)')
  .option('--date-format <format>', 'Hootsuite files: dd/mm/yyyy, mm/dd/yyyy, yyyy/mm/dd or yyyy/dd/mm')
  .option('--dry-run', 'check the file only; import nothing')
  .option('--yes', 'import without asking')
  .action(
    async (
      file: string,
      o: { workspace: string; channel?: string; dateFormat?: string; dryRun?: boolean; yes?: boolean },
    ) => {
      await withServices((s, storage) =>
        importPosts(
          s,
          (id) => repositories(storage.database.db).workspaces.find(id),
          async () => {
            // The posts' deliveries are queued on the job engine (send-only here; the workers send them).
            const engine = new JobEngine(
              storage.database,
              s.jobHandlers,
              createLogger('warn', pino.destination(2)),
              { work: false, maintain: false, pollSeconds: 2 },
              config().database.kind === 'postgres' ? config().DATABASE_URL : undefined,
            );
            await engine.start();
            s.jobs.attach(engine);
            return () => engine.stop();
          },
          file,
          o,
          terminalOutput(),
        ),
      );
    },
  );

program.addOption(new Option('--no-color').hideHelp());

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CatalogueError || error instanceof RestoreError) {
    console.error(error.message);
  } else if (error instanceof AppError) {
    console.error(`Error: ${error.message}`);
  } else {
    console.error(`Chorus failed: ${(error as Error).message}`);
  }
  process.exit(1);
});
