import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { Keyring } from '../../src/modules/vault/keyring.js';
import type { Mailer, MailMessage } from '../../src/modules/mail/mailer.js';
import { SYSTEM_ACTOR } from '../../src/modules/audit/audit.service.js';
import type { LinkShortener } from '../../src/modules/publishing/links.js';
import { createServices } from '../../src/runtime/services.js';
import type { JobName } from '../../src/jobs/catalogue.js';
import { createTestDatabase, type TestTarget } from './databases.js';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  /** The body's exact bytes (files). */
  bytes?: Buffer;
  headers: Headers;
}

/** A mailer that keeps what it was asked to send. */
export class CapturingMailer implements Mailer {
  readonly configured = true;
  readonly sent: MailMessage[] = [];
  async send(m: MailMessage): Promise<void> {
    this.sent.push(m);
  }
}

let counter = 0;
export const uniqueEmail = (label = 'user') =>
  `${label}.${Date.now().toString(36)}.${++counter}@example.test`;
export const PASSWORD = 'correct horse battery staple';

/** A job a service queued while no job engine runs (see `queuedJobs` and `runQueuedJobs`). */
export interface QueuedJob {
  name: JobName;
  payload: unknown;
  startAfter: Date | undefined;
}

/**
 * An in-process Chorus (no port) on a fresh database, with HTTP clients that keep cookies and the CSRF
 * token like a browser. Every response passes a leak scanner: a password, session token, token hash or
 * ciphertext in any response body fails the test that made it.
 */
export async function createHarness(
  target: TestTarget,
  options: {
    clock?: Clock;
    mailer?: Mailer;
    env?: Record<string, string>;
    linkShortener?: LinkShortener;
  } = {},
) {
  const testDb = await createTestDatabase(target);
  const dataDir = mkdtempSync(path.join(process.env.CHORUS_TEST_TMP ?? os.tmpdir(), 'data-'));
  const config = loadConfig(
    { CHORUS_DATA_DIR: dataDir, PUBLIC_URL: 'http://chorus.test', LOG_LEVEL: 'silent', ...options.env },
    dataDir,
  );
  // Logs are captured at info level: assertNothingLeaked checks them for secrets and e-mail addresses.
  const logLines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  const keyring = new Keyring(randomBytes(32));
  const clock = options.clock ?? systemClock;
  const services = createServices({
    database: testDb.database,
    config,
    clock,
    logger,
    keyring,
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(options.linkShortener ? { linkShortener: options.linkShortener } : {}),
  });
  // No job engine runs here: jobs services queue are kept, and tests run them by hand with `runQueuedJobs`.
  const queuedJobs: QueuedJob[] = [];
  services.jobs.attach({
    send: async (name, payload, options) => {
      queuedJobs.push({ name, payload, startAfter: options?.startAfter });
      return null;
    },
  });

  /**
   * Runs queued jobs (and the jobs they queue) whose start time has come by `clock`, with the real
   * handlers, until none is due; returns what each handler returned.
   */
  async function runQueuedJobs(name?: JobName): Promise<unknown[]> {
    const results: unknown[] = [];
    for (;;) {
      const now = clock.now().getTime();
      const index = queuedJobs.findIndex(
        (j) => (!name || j.name === name) && (!j.startAfter || j.startAfter.getTime() <= now),
      );
      if (index < 0) return results;
      const [job] = queuedJobs.splice(index, 1);
      const handler = services.jobHandlers.find((h) => h.name === job!.name);
      if (!handler) throw new Error(`no handler for ${job!.name}`);
      results.push(await handler.handle(job!.payload as never, { jobId: `test-${results.length}` }));
    }
  }

  const metrics = createMetrics();
  const app = createApp({
    services,
    metrics,
    logger,
    version: 'test',
    webRoot: null,
    ready: async () => ({ database: true, jobs: true }),
  });

  /** Strings that must never appear in a response body (passwords, session cookies, hashes). */
  const secrets = new Set<string>([PASSWORD]);
  const bodies: string[] = [];

  function scan(text: string, context: string) {
    bodies.push(text);
    for (const s of secrets) {
      if (s.length >= 8 && text.includes(s)) throw new Error(`Response of ${context} leaked a secret value`);
    }
    if (
      /"(password|passwordHash|password_hash|tokenHash|token_hash|ciphertext|keyId|key_id)"\s*:/.test(text)
    ) {
      throw new Error(`Response of ${context} has a secret-bearing field: ${text.slice(0, 300)}`);
    }
  }

  function client() {
    let cookie: string | undefined;
    let csrf: string | undefined;
    let bearer: string | undefined;
    async function request<T = any>(
      method: string,
      url: string,
      init: { json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> } = {},
    ): Promise<TestResponse<T>> {
      const headers: Record<string, string> = { ...init.headers };
      if (cookie) headers.cookie = cookie;
      if (csrf && method !== 'GET') headers['x-csrf-token'] ??= csrf;
      if (bearer) headers.authorization ??= `Bearer ${bearer}`;
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.request(url, {
        method,
        headers,
        ...(body !== undefined ? { body: body as BodyInit } : {}),
      });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) {
        const value = /chorus_session=([^;]*)/.exec(setCookie)?.[1];
        if (value) {
          cookie = `chorus_session=${value}`;
          secrets.add(value);
        } else if (/chorus_session=;|Max-Age=0/.test(setCookie)) cookie = undefined;
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = bytes.toString('utf8');
      scan(text, `${method} ${url}`);
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      if (
        parsed &&
        typeof parsed === 'object' &&
        'csrfToken' in parsed &&
        typeof parsed.csrfToken === 'string'
      )
        csrf = parsed.csrfToken;
      return { status: res.status, body: parsed as T, text, bytes, headers: res.headers };
    }
    return {
      get: <T = any>(url: string, init?: { headers?: Record<string, string> }) =>
        request<T>('GET', url, init),
      post: <T = any>(url: string, json?: unknown, init?: { headers?: Record<string, string> }) =>
        request<T>('POST', url, { ...init, ...(json !== undefined ? { json } : {}) }),
      patch: <T = any>(url: string, json?: unknown) => request<T>('PATCH', url, { json }),
      put: <T = any>(url: string, json?: unknown) => request<T>('PUT', url, { json }),
      delete: <T = any>(url: string) => request<T>('DELETE', url),
      raw: request,
      useToken(secret: string | undefined) {
        bearer = secret;
        cookie = undefined;
        csrf = undefined;
      },
      get csrf() {
        return csrf;
      },
      async login(email: string, password = PASSWORD) {
        const res = await request('POST', '/api/v1/auth/login', { json: { email, password } });
        expect(res.status, res.text).toBe(200);
        return res;
      },
    };
  }

  /** A new owner with their own organization and workspace, logged in. */
  async function tenant(label = 'owner') {
    const email = uniqueEmail(label);
    const created = await services.setup.createOwner(
      {
        name: `${label} name`,
        email,
        password: PASSWORD,
        organizationName: `${label} org`,
        workspaceName: `${label} workspace`,
        timezone: 'Europe/Berlin',
      },
      SYSTEM_ACTOR,
    );
    const http = client();
    await http.login(email);
    return {
      email,
      user: created.user,
      organizationId: created.organizationId,
      workspaceId: created.workspace.id,
      http,
    };
  }

  /** Adds a member with `role` to a workspace directly and logs them in. */
  async function member(workspaceId: string, role: string, label = role) {
    const email = uniqueEmail(label);
    const inviter = await tenantOwnerOf(workspaceId);
    const access = (await services.workspaces.accessOf(inviter, workspaceId))!;
    const inv = await services.members.invite(
      access,
      (await services.users.findById(inviter))!,
      { email, role: role as never },
      SYSTEM_ACTOR,
    );
    const token = new URL(inv.acceptUrl ?? lastAcceptUrl()).hash.replace('#token=', '');
    const accepted = await services.members.accept(
      token,
      { name: `${label} name`, password: PASSWORD },
      SYSTEM_ACTOR,
    );
    const http = client();
    await http.login(email);
    return { email, user: accepted.user, http };
  }

  function lastAcceptUrl(): string {
    const mailer = options.mailer as CapturingMailer | undefined;
    const text = mailer?.sent.at(-1)?.text ?? '';
    const url = /(http\S+#token=\S+)/.exec(text)?.[1];
    if (!url) throw new Error('no invitation link was sent');
    return url;
  }

  async function tenantOwnerOf(workspaceId: string): Promise<string> {
    const ws = await testDb.database.db
      .selectFrom('workspaces')
      .select('organization_id')
      .where('id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const leaders = await services.organizations.leaders(ws.organization_id);
    return leaders[0]!.userId;
  }

  /** Every stored hash and ciphertext, checked against every response body this harness saw. */
  async function assertNothingLeaked() {
    const db = testDb.database.db;
    const values: string[] = [];
    for (const [table, column] of [
      ['users', 'password_hash'],
      ['sessions', 'token_hash'],
      ['api_tokens', 'token_hash'],
      ['invitations', 'token_hash'],
      ['vault_secrets', 'ciphertext'],
    ] as const) {
      const rows = await sql<{ v: string }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}`.execute(
        db,
      );
      values.push(...rows.rows.map((r) => r.v));
    }
    for (const v of values)
      for (const b of bodies)
        expect(b.includes(v), 'a stored hash or ciphertext reached a response').toBe(false);
    const logs = logLines.join('');
    expect(logLines.length, 'requests were logged').toBeGreaterThan(0);
    for (const v of [...values, ...secrets])
      expect(logs.includes(v), 'a secret reached the logs').toBe(false);
    expect(logs, 'an e-mail address reached the logs').not.toMatch(/@example\.test/);
    return { responses: bodies.length, storedSecrets: values.length, logLines: logLines.length };
  }

  return {
    app,
    services,
    config,
    database: testDb.database,
    databaseUrl: testDb.url,
    metrics,
    keyring,
    secrets,
    queuedJobs,
    runQueuedJobs,
    client,
    tenant,
    member,
    assertNothingLeaked,
    close: () => testDb.drop(),
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
