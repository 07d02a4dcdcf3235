import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './chorus-process.js';

/** Debian's Chromium, driven by playwright-core, as the browser tests use it. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'];

/** Fails early, with the fix, when the web app is not built or Chromium is missing. */
export function requireBrowserSetup(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) {
    throw new Error('The web app is not built (dist/web/index.html is missing): run `npm run build`.');
  }
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install -y chromium');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** The first run through the API: the owner, an organization "Acme" and a workspace "Acme Social". */
export async function setUpOwner(url: string, owner: { name: string; email: string; password: string }) {
  const res = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...owner, organizationName: 'Acme', workspaceName: 'Acme Social' }),
  });
  expect(res.status).toBe(201);
}

/** A new browser context, logged in; resolves once the app shows a workspace. Returns the page and its id. */
export async function logIn(
  browser: Browser,
  url: string,
  credentials: { email: string; password: string },
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; workspaceId: string }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // Checking a password (argon2) takes a while on a machine busy with other test files.
  await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/w\/[0-9a-f-]{36}\//);
  return { page, workspaceId: /\/w\/([0-9a-f-]{36})\//.exec(page.url())![1]! };
}

/** Calls the API as a person would from the browser: a logged-in session cookie and its CSRF token. */
export type SessionApi = (method: string, path: string, body?: unknown) => Promise<Response>;

/** Logs in through the API (not a browser) and returns a caller for the session. */
export async function apiSession(
  url: string,
  credentials: { email: string; password: string },
): Promise<SessionApi> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(login.status).toBe(200);
  const cookie = /chorus_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return (method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
