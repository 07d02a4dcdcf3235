import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { AppError } from '../core/errors.js';
import { SYSTEM_ACTOR } from '../modules/audit/audit.service.js';
import { permissionsOf } from '../modules/members/permissions.js';
import type { Import } from '../modules/imports/imports.service.js';
import { HOOTSUITE_DATE_FORMATS, type HootsuiteDateFormat } from '../modules/imports/layouts.js';
import type { WorkspaceAccess } from '../modules/workspaces/workspaces.service.js';
import type { Workspace } from '../modules/workspaces/workspaces.repository.js';
import type { Services } from '../runtime/services.js';

/**
 * `chorus import posts <file.csv>`: checks the file (the problems table), then — unless `--dry-run` — asks
 * (or takes `--yes`) and imports the valid rows here, with a progress bar on a terminal and plain progress
 * lines otherwise. The operator acts as the workspace's owner; posts are recorded as created by Chorus.
 */
export interface ImportPostsOptions {
  workspace: string;
  channel?: string;
  dateFormat?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export interface Output {
  out: NodeJS.WriteStream;
  tty: boolean;
  /** Asks a yes/no question (only when there is a terminal). */
  confirm(question: string): Promise<boolean>;
}

export function terminalOutput(): Output {
  return {
    out: process.stdout,
    tty: !!process.stdout.isTTY,
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function importPosts(
  s: Services,
  findWorkspace: (id: string) => Promise<Workspace | undefined>,
  /** Starts what queues the posts' deliveries (the job engine, send-only); returns how to stop it. */
  startJobs: () => Promise<() => Promise<void>>,
  file: string,
  options: ImportPostsOptions,
  io: Output,
): Promise<{ imported: number; failed: number; invalid: number }> {
  const print = (line = '') => io.out.write(`${line}\n`);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new AppError('not_found', `There is no file ${file}.`);
  }
  if (options.dateFormat && !(HOOTSUITE_DATE_FORMATS as readonly string[]).includes(options.dateFormat)) {
    throw new AppError(
      'invalid_request',
      `--date-format must be one of ${HOOTSUITE_DATE_FORMATS.join(', ')}.`,
    );
  }
  const workspace = UUID.test(options.workspace) ? await findWorkspace(options.workspace) : undefined;
  if (!workspace) {
    throw new AppError(
      'not_found',
      `There is no workspace ${options.workspace}: give its id (see the web app's URL).`,
    );
  }
  const access: WorkspaceAccess = { workspace, role: 'owner', permissions: permissionsOf('owner') };
  let channelId = options.channel;
  if (channelId && !UUID.test(channelId)) {
    const named = (await s.channels.list(access)).filter(
      (c) => c.name.toLowerCase() === channelId!.toLowerCase(),
    );
    if (named.length !== 1) {
      throw new AppError(
        'invalid_request',
        `--channel "${channelId}" names ${named.length === 0 ? 'no channel' : 'several channels'} of this workspace: give the channel's id.`,
      );
    }
    channelId = named[0]!.id;
  }

  const preview = await s.imports.preview(access, SYSTEM_ACTOR, {
    fileName: path.basename(file),
    source: createReadStream(file),
    channelId,
    dateFormat: options.dateFormat as HootsuiteDateFormat | undefined,
  });
  print(
    `${preview.fileName}: ${preview.layout === 'hootsuite' ? `Hootsuite bulk file (dates ${preview.dateFormat})` : 'Chorus layout'}, ${preview.totalRows} rows — ${preview.validRows} ready to import, ${preview.totalRows - preview.validRows} with problems.`,
  );
  await printProblems(s, access, preview, print);
  const invalid = preview.totalRows - preview.validRows;
  if (options.dryRun) {
    print(`Dry run: nothing was imported. Import id ${preview.id}.`);
    return { imported: 0, failed: 0, invalid };
  }
  if (preview.validRows === 0) {
    print('Nothing to import: fix the rows above and run the command again.');
    return { imported: 0, failed: 0, invalid };
  }
  if (!options.yes) {
    if (!io.tty) {
      throw new AppError(
        'invalid_request',
        'Pass --yes to import without being asked (no terminal to ask on).',
      );
    }
    const rowsWord = preview.validRows === 1 ? 'row' : 'rows';
    if (
      !(await io.confirm(
        `Import ${preview.validRows} ${rowsWord}${invalid > 0 ? ` (skipping ${invalid} with problems)` : ''}?`,
      ))
    ) {
      print('Nothing was imported.');
      return { imported: 0, failed: 0, invalid };
    }
  }
  await s.imports.confirm(access, preview.id, { queue: false });
  const stopJobs = await startJobs();
  let done: Import | undefined;
  try {
    const bar = progress(io, preview.validRows);
    done = await s.imports.run(preview.id, { access, actor: SYSTEM_ACTOR, onProgress: bar.update });
    bar.end();
  } finally {
    await stopJobs();
  }
  if (!done) throw new AppError('conflict', 'The import was started elsewhere.');
  print(
    `Imported ${done.importedRows} of ${done.validRows} rows${done.failedRows > 0 ? `; ${done.failedRows} failed:` : '.'}`,
  );
  if (done.failedRows > 0) await printProblems(s, access, done, print, ['failed']);
  return { imported: done.importedRows, failed: done.failedRows, invalid };
}

async function printProblems(
  s: Services,
  access: WorkspaceAccess,
  imp: Import,
  print: (line?: string) => void,
  statuses: ('invalid' | 'failed')[] = ['invalid'],
): Promise<void> {
  const lines: [string, string, string, string][] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await s.imports.rows(access, imp.id, { offset, limit: 500, statuses });
    for (const r of page.rows)
      for (const p of r.problems) lines.push([String(r.row), p.column ?? '(row)', p.message, p.fix]);
    if (page.rows.length < 500) break;
  }
  if (lines.length === 0) return;
  const header: [string, string, string, string] = ['Row', 'Column', 'Problem', 'How to fix'];
  const width = (i: number) => Math.min(40, Math.max(...[header, ...lines].map((l) => l[i]!.length)));
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  const row = (l: string[]) =>
    `${l[0]!.padStart(w0)}  ${l[1]!.padEnd(w1)}  ${l[2]!.length > w2 ? l[2] : l[2]!.padEnd(w2)}  ${l[3]}`;
  print();
  print(row(header));
  for (const l of lines) print(row(l));
  print();
}

function progress(io: Output, total: number) {
  let lastPlain = -1;
  return {
    update: (imp: Import) => {
      if (io.tty) {
        const width = 30;
        const filled = total === 0 ? width : Math.round((imp.doneRows / total) * width);
        io.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${imp.doneRows}/${total} rows`);
      } else if (imp.doneRows !== lastPlain) {
        lastPlain = imp.doneRows;
        io.out.write(`Imported ${imp.doneRows}/${total} rows\n`);
      }
    },
    end: () => {
      if (io.tty) io.out.write('\n');
    },
  };
}
