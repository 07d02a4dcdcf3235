import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import {
  startMastodonStandIn,
  type MastodonStandIn,
} from '../../src/networks/mastodon/test-support/stand-in.js';

/**
 * Connecting a Mastodon channel by signing in, in a real browser against the real server: Settings →
 * Channels → "Sign in with Mastodon" → the server's consent page (the loopback stand-in plays the person
 * pressing Authorize, or Deny) → back to Chorus's /oauth/callback → the channel is listed with its health.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'mona@example.test';

describe('signing in to connect a channel, in a real browser', () => {
  let chorus: ChorusProcess;
  let server: MastodonStandIn;
  let browser: Browser;
  let workspaceId: string;

  beforeAll(async () => {
    requireBrowserSetup();
    server = await startMastodonStandIn();
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Mona Manager', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await server?.close();
  });

  async function channelsPage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${chorus.url}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.url()).toMatch(/\/w\/[0-9a-f-]{36}\//);
    workspaceId = /\/w\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
    await page.goto(`${chorus.url}/w/${workspaceId}/settings/channels`);
    await page.getByLabel('Network').selectOption({ label: 'Mastodon' });
    return page;
  }

  it('signs in on the server and comes back to a connected channel with its health', async () => {
    const page = await channelsPage();
    // Signing in is offered first; pasting a token stays possible.
    await expect.poll(() => page.getByLabel('Sign in with Mastodon (recommended)').isChecked()).toBe(true);
    expect(await page.getByLabel('Access token', { exact: true }).count()).toBe(0);
    await page.getByLabel('Channel name').fill('Acme on Mastodon');
    await page.getByLabel('Server address', { exact: true }).fill(server.url);
    await page.getByRole('button', { name: 'Continue to Mastodon' }).click();

    await expect
      .poll(
        async () =>
          server.seen('GET /oauth/authorize').length || (await page.getByRole('alert').allTextContents()),
      )
      .toBe(1);
    const row = page.getByRole('row', { name: /Acme on Mastodon/ });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    // The code and state are gone from the address and the history.
    expect(page.url()).not.toContain('code=');
    await expect.poll(() => row.textContent()).toContain('@acme@mastodon.social');
    expect(await row.textContent()).toMatch(/Connected/);
    expect(await row.textContent()).toMatch(/\d+ of 300 requests/);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Acme on Mastodon is connected.');
  });

  it('explains a declined sign-in and connects nothing', async () => {
    const page = await channelsPage();
    server.oauth.denyNext = true;
    await page.getByLabel('Server address', { exact: true }).fill(server.url);
    await page.getByRole('button', { name: 'Continue to Mastodon' }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain('/oauth/callback');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/access was not granted, so nothing was connected/);
    expect(page.url()).not.toContain('state=');
    await page.getByRole('link', { name: 'Back to Chorus' }).click();
    await page.goto(`${chorus.url}/w/${workspaceId}/settings/channels`);
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // the header and the one channel
  });
});
