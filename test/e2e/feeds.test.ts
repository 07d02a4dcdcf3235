import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The Feeds page in a real browser against the real server: preview a template against a feed served on
 * loopback, subscribe, poll now to draft a new item, follow the item to its post, pause, and fit a phone.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'fiona@example.test';

const rss = (items: number[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Bakery journal</title><link>https://bakery.example/</link>${items
    .map(
      (n) =>
        `<item><guid>loaf-${n}</guid><title>Loaf number ${n}</title><link>https://bakery.example/loaves/${n}</link><description>&lt;p&gt;Crust &amp;amp; crumb ${n}&lt;/p&gt;</description></item>`,
    )
    .join('')}</channel></rss>`;

describe('feeds in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startReceiver>>;
  let items = [2, 1];

  beforeAll(async () => {
    requireBrowserSetup();
    server = await startReceiver((req, res) => {
      if (req.path === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return void res.end(rss(items));
      }
      res.writeHead(200);
      res.end('{}');
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true', JOB_POLL_SECONDS: '0.5' } });
    await setUpOwner(chorus.url, { name: 'Fiona Owner', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await server?.close();
  });

  it('previews, subscribes, drafts a new item on "poll now", links it to its post, and pauses', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    const api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    const channel = await api('POST', `/api/v1/workspaces/${workspaceId}/channels`, {
      network: 'webhook',
      name: 'Bakery hook',
      credential: { url: `${server.url}/hook`, secret: 'feeds-browser-test-secret' },
    });
    expect(channel.status).toBe(201);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feeds' }).click();
    await expect.poll(() => page.getByText('No feeds yet.').count()).toBe(1);

    // Without a channel the form says what is missing.
    await page.getByLabel('Feed address').fill(`${server.url}/feed.xml`);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/Choose at least one channel/);

    await page.getByLabel('Bakery hook').check();
    await page.getByLabel('Template').fill('{title}: {summary} {link}');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: /Preview: the newest items of Bakery journal/ });
    await expect
      .poll(() => preview.textContent())
      .toContain('Loaf number 2: Crust & crumb 2 https://bakery.example/loaves/2');

    await page.getByRole('button', { name: 'Subscribe' }).click();
    const row = page.getByRole('list', { name: 'Feeds' }).getByRole('listitem').first();
    await expect.poll(() => row.textContent()).toMatch(/Bakery journal.*Active/);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Subscribed to Bakery journal/);

    // A new item on the server; "poll now" drafts it.
    items = [3, 2, 1];
    await page.getByRole('button', { name: 'Poll Bakery journal now' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/1 new item posted/);

    await page.getByRole('button', { name: 'Items of Bakery journal' }).click();
    const panel = page.getByRole('region', { name: 'Items of Bakery journal' });
    await expect
      .poll(() => panel.getByRole('listitem').first().textContent())
      .toMatch(/Loaf number 3.*Posted/);
    await panel.getByRole('link', { name: /View post of Loaf number 3/ }).click();
    await expect.poll(() => page.url()).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => page.getByText('Loaf number 3: Crust & crumb 3 https://bakery.example/loaves/3').count())
      .toBeGreaterThan(0);

    await page.goBack();
    await page.getByRole('button', { name: 'Pause Bakery journal' }).click();
    await expect.poll(() => row.textContent()).toMatch(/Paused/);
    expect(await page.getByRole('button', { name: 'Poll Bakery journal now' }).count()).toBe(0);

    // A phone-sized screen: nothing scrolls sideways, and the form's controls are still reachable.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(361);
    await page.getByLabel('Feed address').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('checkbox');
  });
});
