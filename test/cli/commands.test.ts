import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDataDir, login, runCli, startChorus, type ChorusProcess } from '../support/chorus-process.js';

const PASSWORD = 'a long cli password 123';
const running: ChorusProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});
async function start(...args: Parameters<typeof startChorus>) {
  const p = await startChorus(...args);
  running.push(p);
  return p;
}

describe.sequential('the chorus command on the embedded database', () => {
  const dataDir = freshDataDir('cli');
  const env = { CHORUS_DATA_DIR: dataDir };

  it('creates an owner; the server then logs them in', async () => {
    const created = await runCli(
      ['user', 'create', '--email', 'cli@example.test', '--password', PASSWORD, '--org', 'CLI Org'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('cli@example.test');
    const bad = await runCli(
      ['user', 'create', '--email', 'short@example.test', '--password', 'short', '--org', 'X'],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/at least 12 characters/);
  });

  it('creates an API token that works as a bearer against the running server, which restarts quickly', async () => {
    const token = await runCli(['token', 'create', '--email', 'cli@example.test', '--name', 'ci'], env);
    expect(token.code, token.stderr).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^chorus_pat_[\w-]{40,}$/);
    const chorus = await start({ dataDir });
    const me = await fetch(`${chorus.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('cli@example.test');
    const garbage = await fetch(`${chorus.url}/api/v1/me`, {
      headers: { authorization: 'Bearer chorus_pat_nope' },
    });
    expect(garbage.status).toBe(401);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await login(chorus.url, 'cli@example.test', PASSWORD)).status).toBe(200);

    // A second process on the same data directory is refused, naming the directory.
    const second = await runCli(['start'], { ...env, PORT: String(chorus.port + 1) }, 60_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(dataDir);

    expect(await chorus.stop()).toBe(0);
    const again = await start({ dataDir });
    const line = again
      .logs()
      .split('\n')
      .find((l) => l.includes('Chorus is running'));
    const startupMs = Number(/"startupMs":(\d+)/.exec(line ?? '')?.[1]);
    console.log(`start-up on an existing data directory: ${startupMs} ms`);
    expect(startupMs).toBeGreaterThan(0);
    expect(await again.stop()).toBe(0);
  });

  it('survives kill -9 during a run and during start-up', async () => {
    const chorus = await start({ dataDir });
    const session = await login(chorus.url, 'cli@example.test', PASSWORD);
    const created = await fetch(`${chorus.url}/api/v1/workspaces`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: session.cookie!,
        'x-csrf-token': session.csrfToken!,
      },
      body: JSON.stringify({
        organizationId: (
          (await (
            await fetch(`${chorus.url}/api/v1/me`, { headers: { cookie: session.cookie! } })
          ).json()) as { organizations: { id: string }[] }
        ).organizations[0]!.id,
        name: 'Written before the crash',
        timezone: 'UTC',
      }),
    });
    expect(created.status).toBe(201);
    await chorus.stop('SIGKILL');

    const interrupted = await start({ dataDir, waitReady: false });
    await new Promise((r) => setTimeout(r, 500));
    await interrupted.stop('SIGKILL');

    const after = await start({ dataDir });
    const again = await login(after.url, 'cli@example.test', PASSWORD);
    expect(again.status).toBe(200);
    const me = (await (
      await fetch(`${after.url}/api/v1/me`, { headers: { cookie: again.cookie! } })
    ).json()) as { workspaces: { name: string }[] };
    expect(me.workspaces.map((w) => w.name)).toContain('Written before the crash');
    expect(await after.stop()).toBe(0);
  });

  it('survives kill -9 while the very first start is creating the database', async () => {
    const dir = freshDataDir('first');
    const dbDir = path.join(dir, 'db');
    const first = await start({ dataDir: dir, waitReady: false });
    // Kill the moment the embedded cluster starts appearing on disk (the staging folder, then the final one).
    const deadline = Date.now() + 60_000;
    while (!existsSync(`${dbDir}.initdb`) && !existsSync(path.join(dbDir, 'PG_VERSION'))) {
      if (Date.now() > deadline || first.child.exitCode !== null)
        throw new Error(`no database appeared:\n${first.logs()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await first.stop('SIGKILL');
    const second = await start({ dataDir: dir });
    expect((await fetch(`${second.url}/api/v1/setup`)).status).toBe(200);
    expect(existsSync(`${dbDir}.initdb`)).toBe(false);
    expect(await second.stop()).toBe(0);
  });

  it('backs up and restores into a fresh data directory; refuses a non-empty one', async () => {
    const file = path.join(process.env.CHORUS_TEST_TMP!, `cli-${Date.now()}.backup`);
    const backup = await runCli(['backup', file], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/users 1/);

    const target = freshDataDir('restored');
    const restore = await runCli(['restore', file], { CHORUS_DATA_DIR: target });
    expect(restore.code, restore.stderr).toBe(0);
    const refused = await runCli(['restore', file], { CHORUS_DATA_DIR: target });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty/);

    // The restored instance needs the original key to read secrets; passwords and sessions work regardless.
    const original = await start({ dataDir });
    const restored = await start({ dataDir: target });
    const a = await login(original.url, 'cli@example.test', PASSWORD);
    const b = await login(restored.url, 'cli@example.test', PASSWORD);
    expect(b.status).toBe(200);
    const ws = async (url: string, cookie: string) =>
      (
        (await (await fetch(`${url}/api/v1/me`, { headers: { cookie } })).json()) as {
          workspaces: { id: string }[];
        }
      ).workspaces;
    const [wa, wb] = [await ws(original.url, a.cookie!), await ws(restored.url, b.cookie!)];
    expect(wb).toEqual(wa);
    const events = async (url: string, cookie: string) =>
      (
        (await (
          await fetch(`${url}/api/v1/workspaces/${wa[0]!.id}/audit-events?limit=200`, { headers: { cookie } })
        ).json()) as { events: { id: string }[] }
      ).events.map((e) => e.id);
    const restoredEvents = await events(restored.url, b.cookie!);
    const originalEvents = await events(original.url, a.cookie!);
    // Everything in the backup is there; the only new events are the logins made just now.
    expect(originalEvents.filter((id) => !restoredEvents.includes(id)).length).toBeLessThanOrEqual(2);
    expect(restoredEvents.length).toBeGreaterThan(3);
    await original.stop();
    await restored.stop();
    // Four processes start one after another (backup, restore, two servers): slow on a busy machine.
  }, 180_000);

  it('rotates the generated secret key', async () => {
    const keyFile = path.join(dataDir, 'secret-key.json');
    const before = JSON.parse(readFileSync(keyFile, 'utf8')) as { active: string };
    const rotated = await runCli(['secrets', 'rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Re-encrypted \d+ secrets/);
    const after = JSON.parse(readFileSync(keyFile, 'utf8')) as { active: string; previous: string[] };
    expect(after.active).not.toBe(before.active);
    expect(after.previous).toEqual([]);
  });

  it('pauses and resumes publishing everywhere, and says so when there is nothing to resume', async () => {
    const paused = await runCli(['publishing', 'pause', '--reason', 'crisis drill'], env);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/paused everywhere/);
    const chorus = await startChorus({ dataDir });
    try {
      const a = await login(chorus.url, 'cli@example.test', PASSWORD);
      const me = await (await fetch(`${chorus.url}/api/v1/me`, { headers: { cookie: a.cookie! } })).json();
      const ws = (me as { workspaces: { id: string }[] }).workspaces[0]!.id;
      const page = await fetch(`${chorus.url}/api/v1/workspaces/${ws}/publishing`, {
        headers: { cookie: a.cookie! },
      });
      expect(((await page.json()) as { pauses: unknown[] }).pauses).toMatchObject([
        { scope: 'global', reason: 'crisis drill' },
      ]);
    } finally {
      await chorus.stop();
    }
    const resumed = await runCli(['publishing', 'resume', '--mode', 'send_now'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed everywhere; 0 held posts released/);
    const again = await runCli(['publishing', 'resume'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not paused everywhere/);
  });
});

describe('the chorus command refuses what it cannot do', () => {
  it('stops on bad configuration with a readable list', async () => {
    const bad = await runCli(['migrate'], {
      PORT: 'abc',
      CHORUS_SECRETKEY: 'x',
      CHORUS_DATA_DIR: freshDataDir('bad'),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/PORT="abc"/);
    expect(bad.stderr).toMatch(/CHORUS_SECRETKEY: unknown setting/);
  });

  it('needs DATABASE_URL for api and worker', async () => {
    for (const command of ['api', 'worker']) {
      const r = await runCli([command], { CHORUS_DATA_DIR: freshDataDir('nodb') });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/DATABASE_URL/);
    }
  });

  it('documents every command', async () => {
    for (const args of [
      ['start'],
      ['api'],
      ['worker'],
      ['migrate'],
      ['user', 'create'],
      ['token', 'create'],
      ['backup'],
      ['restore'],
      ['secrets', 'rotate'],
      ['publishing', 'pause'],
      ['publishing', 'resume'],
    ]) {
      const r = await runCli([...args, '--help'], {});
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: chorus/);
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('scale-out on PostgreSQL', () => {
  it('runs api and worker as separate processes on one database and shuts both down gracefully', async () => {
    const admin = process.env.TEST_DATABASE_URL!;
    const name = `chorus_cli_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString(), CHORUS_SECRET_KEY: randomBytes(32).toString('base64') };
    try {
      expect((await runCli(['migrate'], env)).code).toBe(0);
      expect(
        (
          await runCli(
            ['user', 'create', '--email', 'pg@example.test', '--password', PASSWORD, '--org', 'PG Org'],
            env,
          )
        ).code,
      ).toBe(0);
      const api = await start({ command: 'api', env });
      const worker = await start({ command: 'worker', env, waitReady: false });
      const deadline = Date.now() + 60_000;
      while (!worker.logs().includes('Chorus worker is running') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(worker.logs()).toContain('Chorus worker is running');
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
      expect((await login(api.url, 'pg@example.test', PASSWORD)).status).toBe(200);
      expect(existsSync(path.join(api.dataDir, 'db'))).toBe(false);
      expect(await api.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
    } finally {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  });
});
