import { createReadStream, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/core/logger.js';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit.service.js';
import { startRuntime } from '../src/runtime/runtime.js';
import { arg, benchConfig } from './support.js';

/**
 * `npm run bench -- import --db pglite|postgres --rows N [--json FILE]`
 *
 * Generates an N-row CSV in the Chorus layout (three channels, instants and local times spread over the
 * next month, drafts, tags, campaigns), then measures on the real runtime: the preview (read, check and
 * keep every row) and the import job (each row a post through the posts service, deliveries queued on the
 * job engine), in rows per second. Nothing is published: every time is weeks ahead.
 */
function generateCsv(rows: number, channels: string[], start: Date): string {
  const lines = ['channel,text,time,tags,campaign'];
  for (let i = 0; i < rows; i++) {
    const at = new Date(start.getTime() + 86_400_000 + i * 7 * 60_000);
    const time =
      i % 10 === 9
        ? ''
        : i % 2 === 0
          ? at.toISOString()
          : `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)}`;
    const text = `Post ${i + 1}: "spring" menu, ${'details '.repeat(1 + (i % 8))}`.trim();
    lines.push(
      [
        channels[i % channels.length],
        `"${text.replace(/"/g, '""')}"`,
        time,
        `"news,week ${1 + Math.floor(i / 500)}"`,
        i % 3 === 0 ? 'Spring' : '',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function importBench(args: string[]): Promise<Record<string, unknown>[]> {
  const db = arg(args, 'db', 'pglite');
  const rows = Number(arg(args, 'rows', '5000'));
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres');
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a whole number above 0');

  // Channels are signed webhooks to this loopback server, which only has to answer their connection check.
  const receiver = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const { config, cleanup } = await benchConfig(db);
  const runtime = await startRuntime(config, 'all', createLogger('silent'), { listen: false });
  const { services } = runtime;
  try {
    const owner = await services.setup.createOwner(
      {
        name: 'Bench',
        email: 'bench@example.test',
        password: 'a long bench password 42',
        organizationName: 'Bench',
        workspaceName: 'Bench',
        timezone: 'Europe/Berlin',
      },
      SYSTEM_ACTOR,
    );
    const access = (await services.workspaces.accessOf(owner.user.id, owner.workspace.id))!;
    const actor = { ...SYSTEM_ACTOR, userId: owner.user.id };
    const names = ['Newsroom', 'Team chat', 'Partners'];
    for (const name of names) {
      await services.channels.connect(access, actor, {
        network: 'webhook',
        name,
        credential: { url: `${receiverUrl}/${encodeURIComponent(name)}`, secret: 'bench-signing-secret-000' },
      });
    }
    const file = path.join(config.dataDir, 'posts.csv');
    writeFileSync(file, generateCsv(rows, names, new Date()));

    const previewStart = performance.now();
    const preview = await services.imports.preview(access, actor, {
      fileName: 'posts.csv',
      source: createReadStream(file),
    });
    const previewSeconds = (performance.now() - previewStart) / 1000;
    if (preview.validRows !== rows) {
      const bad = await services.imports.rows(access, preview.id, {
        offset: 0,
        limit: 3,
        statuses: ['invalid'],
      });
      throw new Error(`generated rows have problems: ${JSON.stringify(bad.rows.map((r) => r.problems))}`);
    }

    // The real path: confirm queues the import job, which the in-process workers run.
    const importStart = performance.now();
    await services.imports.confirm(access, preview.id);
    const deadline = Date.now() + 3_600_000;
    let state = await services.imports.get(access, preview.id);
    while (state.status !== 'finished' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await services.imports.get(access, preview.id);
    }
    const importSeconds = (performance.now() - importStart) / 1000;
    return [
      {
        db,
        rows,
        previewSeconds: Number(previewSeconds.toFixed(2)),
        previewRowsPerSecond: Math.round(rows / previewSeconds),
        importSeconds: Number(importSeconds.toFixed(2)),
        importRowsPerSecond: Math.round(state.importedRows / importSeconds),
        imported: state.importedRows,
        failed: state.failedRows,
        finished: state.status === 'finished',
      },
    ];
  } finally {
    await runtime.stop();
    receiver.close();
    await cleanup();
  }
}
