import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPayload } from '../../src/core/signature.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * Settings → Webhooks in a real browser against the real server: add an endpoint, see its signing secret
 * once, send a test event that a loopback receiver verifies with that secret, and read the delivery log,
 * on a desktop and on a phone-sized screen.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'wendy@example.test';

describe('webhooks in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = '';
  const verified: boolean[] = [];

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((req, res) => {
      const ok = verifyPayload({
        secret,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string | undefined,
        timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
        now: new Date(),
      });
      verified.push(ok);
      res.writeHead(ok ? 204 : 401);
      res.end();
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true', JOB_POLL_SECONDS: '0.5' } });
    await setUpOwner(chorus.url, { name: 'Wendy Owner', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
  });

  it('adds an endpoint, shows its secret once, and logs a verified test delivery', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${chorus.url}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.url()).toMatch(/\/w\/[0-9a-f-]{36}\//);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect.poll(() => page.getByText('No endpoints yet.').count()).toBe(1);

    // Submitting without an event says what is missing.
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/chorus`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Choose at least one event/);

    await page.getByLabel('Description').fill('Order system');
    await page.getByLabel('delivery.published').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const shown = page.getByLabel('Webhook signing secret');
    await expect.poll(() => shown.count()).toBe(1);
    secret = (await shown.textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.getByText('you will not see it again').count()).toBe(1);
    expect(await page.getByRole('listitem').filter({ hasText: 'Order system' }).textContent()).toMatch(
      /Enabled/,
    );

    // Shown once: after a reload it is nowhere on the page.
    await page.reload();
    await expect.poll(() => page.getByText('Order system').count()).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Send a test event to Order system' }).click();
    const log = page.getByRole('region', { name: 'Delivery log: Order system' });
    await expect
      .poll(async () => (await log.getByRole('row').allTextContents()).join(' | '), { timeout: 20_000 })
      .toMatch(/ping.*Delivered.*204/);
    expect(verified).toEqual([true]);
    expect(await page.content()).not.toContain(secret);

    // A phone-sized screen: the page and the log fit without sideways scrolling.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(361);
  });
});
