import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDataDir, login, runCli, startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { startReceiver } from '../support/receiver.js';

/**
 * `chorus import posts` as a real process on the embedded database: the problems table on a dry run, the
 * refusal to import unasked without a terminal, plain progress lines, and posts the server then shows.
 */
const PASSWORD = 'a long cli password 123';
const running: ChorusProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

describe.sequential('chorus import posts', () => {
  const dataDir = freshDataDir('import-cli');
  const env = { CHORUS_DATA_DIR: dataDir, EGRESS_ALLOW_PRIVATE: 'true' };
  const file = (name: string, text: string) => {
    const p = path.join(dataDir, '..', `${path.basename(dataDir)}-${name}`);
    writeFileSync(p, text);
    return p;
  };
  let workspaceId = '';
  let channelId = '';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  async function api<T>(chorus: ChorusProcess, method: string, url: string, body?: unknown): Promise<T> {
    const session = await login(chorus.url, 'importer@example.test', PASSWORD);
    const res = await fetch(`${chorus.url}${url}`, {
      method,
      headers: {
        cookie: session.cookie!,
        'x-csrf-token': session.csrfToken!,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as T;
  }

  it('prepares a workspace with a channel', async () => {
    receiver = await startReceiver((_req, res) => res.end('{}'));
    const created = await runCli(
      [
        'user',
        'create',
        '--email',
        'importer@example.test',
        '--password',
        PASSWORD,
        '--org',
        'Importers',
        '--timezone',
        'Europe/Berlin',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    workspaceId = /\(([0-9a-f-]{36})\)/.exec(created.stdout)![1]!;
    const chorus = await startChorus({ dataDir, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    running.push(chorus);
    const channel = await api<{ channel: { id: string } }>(
      chorus,
      'POST',
      `/api/v1/workspaces/${workspaceId}/channels`,
      {
        network: 'webhook',
        name: 'Newsroom',
        credential: { url: `${receiver.url}/hook`, secret: 'cli-import-secret-0001' },
      },
    );
    channelId = channel.channel.id;
    expect(await chorus.stop()).toBe(0);
  });

  it('shows every problem on a dry run and imports nothing', async () => {
    const csv = file(
      'posts.csv',
      'channel,text,time\r\nNewsroom,First from the CLI,2099-05-01 09:00\r\nNowhere,Lost,\r\nNewsroom,Second from the CLI,\r\nNewsroom,Too late,2001-01-01T00:00:00Z\r\n',
    );
    const dry = await runCli(['import', 'posts', csv, '--workspace', workspaceId, '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Chorus layout, 4 rows — 2 ready to import, 2 with problems/);
    expect(dry.stdout).toMatch(/Row\s+Column\s+Problem\s+How to fix/);
    expect(dry.stdout).toMatch(/\n\s*3\s+channel\s+There is no channel "Nowhere"/);
    expect(dry.stdout).toMatch(/\n\s*5\s+time\s+2001-01-01T00:00:00Z is in the past/);
    expect(dry.stdout).toContain('Dry run: nothing was imported');

    // Without a terminal to ask on, importing needs --yes.
    const unasked = await runCli(['import', 'posts', csv, '--workspace', workspaceId], env);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain('Pass --yes');

    const imported = await runCli(['import', 'posts', csv, '--workspace', workspaceId, '--yes'], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 2/2 rows\n');
    expect(imported.stdout).toContain('Imported 2 of 2 rows.');
  });

  it('imports a Hootsuite file into the channel named on the command line', async () => {
    const csv = file('hootsuite.csv', '15/06/2099 10:00,From Hootsuite,https://example.com/a\n');
    const missing = await runCli(['import', 'posts', csv, '--workspace', workspaceId, '--yes'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Hootsuite.*choose the channel/);
    const ok = await runCli(
      ['import', 'posts', csv, '--workspace', workspaceId, '--channel', 'newsroom', '--yes'],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Hootsuite bulk file (dates dd/mm/yyyy), 1 rows — 1 ready to import');

    const notCsv = file('sheet.xlsx', 'PK\u0003\u0004binary');
    const refused = await runCli(['import', 'posts', notCsv, '--workspace', workspaceId, '--dry-run'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Excel.*not CSV/);
  });

  it('the server shows exactly the imported posts, scheduled and as drafts', async () => {
    const chorus = await startChorus({ dataDir, env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    running.push(chorus);
    const { posts } = await api<{
      posts: {
        body: string;
        status: string;
        scheduledAt: string | null;
        channels: { channelId: string }[];
      }[];
    }>(chorus, 'GET', `/api/v1/workspaces/${workspaceId}/posts`);
    expect(posts.map((p) => [p.body, p.status]).sort()).toEqual([
      ['First from the CLI', 'scheduled'],
      ['From Hootsuite https://example.com/a', 'scheduled'],
      ['Second from the CLI', 'draft'],
    ]);
    expect(posts.find((p) => p.body === 'First from the CLI')!.scheduledAt).toBe('2099-05-01T07:00:00.000Z');
    expect(posts.every((p) => p.channels[0]!.channelId === channelId)).toBe(true);
    expect(await chorus.stop()).toBe(0);
    await receiver.close();
  });
});
