import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPayload } from '../../src/core/signature.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import {
  launchBrowser,
  logIn,
  requireBrowserSetup,
  setUpOwner,
  apiSession,
  type SessionApi,
} from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The notification bell in a real browser against the real server: channels on a loopback receiver stop
 * working (the receiver answers 401 when they are tested), the bell counts the notifications, the panel
 * lists them, opening one goes to its page and marks it read; on a desktop and on a phone-sized screen.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'nora@example.test';
const SECRET = 'notifications-e2e-signing-secret';
/** Each step waits on a request to the server, which is slow while other test files run. */
const SOON = { timeout: 10_000, interval: 100 };

describe('notifications in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let revoked = false;
  /** An API session of the owner (cookie and CSRF token), to set the scene without the UI. */
  let api: SessionApi;

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((req, res) => {
      const signed = verifyPayload({
        secret: SECRET,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string | undefined,
        timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
        now: new Date(),
      });
      if (!signed || revoked) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Nora Owner', email: EMAIL, password: PASSWORD });
    api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
  });

  /** Connects a channel, then has it fail its check: it needs reconnecting, and its managers are told. */
  async function channelStopsWorking(workspaceId: string, name: string): Promise<void> {
    revoked = false;
    const created = await api('POST', `/api/v1/workspaces/${workspaceId}/channels`, {
      network: 'webhook',
      name,
      credential: { url: `${receiver.url}/${encodeURIComponent(name)}`, secret: SECRET },
    });
    expect(created.status).toBe(201);
    const { channel } = (await created.json()) as { channel: { id: string } };
    revoked = true;
    const tested = await api('POST', `/api/v1/workspaces/${workspaceId}/channels/${channel.id}/test`);
    expect(((await tested.json()) as { channel: { status: string } }).channel.status).toBe('needs_reconnect');
  }

  it('counts unread notifications, lists them, and opening one goes to its page and marks it read', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    const bell = page.getByRole('button', { name: /^Notifications/ });
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');

    await channelStopsWorking(workspaceId, 'Acme hook');
    await channelStopsWorking(workspaceId, 'Acme alerts');
    // The count is polled; coming back to the window asks at once.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => bell.getAttribute('aria-label'), SOON).toBe('Notifications, 2 unread');

    await bell.click();
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    const panel = page.getByRole('region', { name: 'Notifications' });
    const items = panel.getByRole('list').getByRole('link');
    await expect.poll(() => items.count(), SOON).toBe(2);
    // Newest first, each marked unread.
    expect(await items.nth(0).textContent()).toMatch(/^Unread: Acme alerts needs reconnecting.*answered 401/);
    expect(await items.nth(1).textContent()).toMatch(/^Unread: Acme hook needs reconnecting/);

    // Escape closes the panel and gives the focus back to the bell.
    await page.keyboard.press('Escape');
    expect(await bell.getAttribute('aria-expanded')).toBe('false');
    expect(await bell.evaluate((el) => el === document.activeElement)).toBe(true);

    // With the keyboard: open the panel, and open the newest notification.
    await page.goto(`${chorus.url}/w/${workspaceId}/calendar`);
    await expect.poll(() => bell.getAttribute('aria-label'), SOON).toBe('Notifications, 2 unread');
    await bell.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => items.count(), SOON).toBe(2);
    await items.nth(0).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url(), SOON).toBe(`${chorus.url}/w/${workspaceId}/settings/channels`);
    await expect.poll(() => bell.getAttribute('aria-label'), SOON).toBe('Notifications, 1 unread');
    expect(await panel.isVisible()).toBe(false);
    // The server agrees, after a reload.
    await page.reload();
    await expect.poll(() => bell.getAttribute('aria-label'), SOON).toBe('Notifications, 1 unread');

    // On a phone-sized screen the panel fits without sideways scrolling; "Mark all as read" clears the count.
    await page.setViewportSize({ width: 360, height: 740 });
    await bell.click();
    await expect.poll(() => items.count(), SOON).toBe(2);
    expect(await items.nth(0).textContent()).not.toMatch(/^Unread/);
    expect(await items.nth(1).textContent()).toMatch(/^Unread/);
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth), SOON)
      .toBeLessThanOrEqual(361);
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label'), SOON).toBe('Notifications');
    expect(await items.nth(1).textContent()).not.toMatch(/^Unread/);
  });
});
