import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyNetwork, type LocalAccount } from '../support/bluesky-network.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';

/**
 * The content planner end to end, in a real browser, against `chorus start` and a real local Bluesky
 * network: one post composed for two Bluesky channels with different text (both previews seen), scheduled
 * for tomorrow, found in the calendar, dragged to today, and published to the network at its new time, its
 * link shown on the post's page.
 */
const OWNER = { name: 'Eve Planner', email: 'eve@example.test', password: 'a long owner password 42' };
/** The post goes out a minute or two after it is dragged; the job engine polls every 2 s. */
const PUBLISHED = { timeout: 180_000, interval: 1_000 };
const SOON = { timeout: 20_000, interval: 200 };

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const hhmm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

describe('compose, plan and publish to a local Bluesky network', () => {
  let net: Awaited<ReturnType<typeof startBlueskyNetwork>>;
  let alice: LocalAccount;
  let bob: LocalAccount;
  let chorus: ChorusProcess;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    net = await startBlueskyNetwork();
    alice = await net.account('alice');
    bob = await net.account('bob');
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, OWNER);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await net?.close();
  }, 60_000);

  async function connectBluesky(page: Page, workspaceId: string, account: LocalAccount): Promise<string> {
    const me = (await (await page.request.get(`${chorus.url}/api/v1/me`)).json()) as { csrfToken: string };
    const res = await page.request.post(`${chorus.url}/api/v1/workspaces/${workspaceId}/channels`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: {
        network: 'bluesky',
        credential: { service: net.pdsUrl, identifier: account.handle, appPassword: account.appPassword },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { channel: { name: string } }).channel.name;
  }

  it('composes for two channels, schedules, drags to another day in the calendar, and publishes then', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, OWNER);
    const aliceChannel = await connectBluesky(page, workspaceId, alice);
    const bobChannel = await connectBluesky(page, workspaceId, bob);

    // Tomorrow, at the time of day two minutes from now (the workspace is in UTC).
    const soon = new Date(Date.now() + 2 * 60_000);
    const today = day(soon);
    const tomorrow = day(new Date(soon.getTime() + 86_400_000));
    const time = hhmm(soon);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compose' }).click();
    const shared = 'Spring menu is here, at the harbour';
    const bobsText = 'Bob says: the spring menu is here';
    await page.getByLabel('Post text').fill(shared);
    await page.getByLabel(aliceChannel, { exact: true }).check();
    await page.getByLabel(bobChannel, { exact: true }).check();
    const aliceVersion = page.getByRole('region', { name: `Version for ${aliceChannel}` });
    const bobVersion = page.getByRole('region', { name: `Version for ${bobChannel}` });
    await bobVersion.getByLabel(`Use the shared text for ${bobChannel}`).uncheck();
    await bobVersion.getByLabel(`Text for ${bobChannel}`, { exact: true }).fill(bobsText);
    // Both previews, each with its own text.
    await expect.poll(() => aliceVersion.getByRole('figure').textContent(), SOON).toContain(shared);
    await expect.poll(() => bobVersion.getByRole('figure').textContent(), SOON).toContain(bobsText);
    expect(await aliceVersion.getByRole('figure').textContent()).not.toContain(bobsText);

    await page.getByLabel('At a time').check();
    await page.getByLabel('Date and time').fill(`${tomorrow}T${time}`);
    await page.getByRole('button', { name: 'Schedule post' }).click();
    await expect.poll(() => page.url(), SOON).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    const postPage = page.url();

    // In the calendar, both deliveries sit on tomorrow; drag each to today (same time of day).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    const cell = (d: string) => page.locator(`[data-day="${d}"]`);
    const bothVisible = async () => (await cell(tomorrow).count()) === 1 && (await cell(today).count()) === 1;
    if (!(await bothVisible())) await page.getByRole('button', { name: 'Next month' }).click();
    await expect.poll(() => cell(tomorrow).locator('.calendar-entry').count(), SOON).toBe(2);
    for (const channel of [aliceChannel, bobChannel]) {
      const entry = cell(tomorrow).locator('.calendar-entry').filter({ hasText: channel });
      if (await bothVisible()) {
        await entry.dragTo(cell(today));
      } else {
        // Tomorrow is in the next month and today is not on the same grid: move it with the keyboard form.
        await entry.getByRole('button', { name: /^Move/ }).click();
        await page.getByLabel('New date and time').fill(`${today}T${time}`);
        await page.getByRole('form', { name: 'Move a post' }).getByRole('button', { name: 'Move' }).click();
      }
      await expect.poll(() => page.getByRole('status').first().textContent(), SOON).toContain('Moved');
    }
    if (await bothVisible()) {
      await expect.poll(() => cell(today).locator('.calendar-entry').count(), SOON).toBe(2);
    }

    // At its new time, it is published to both accounts, and the post's page links to each.
    await page.goto(postPage);
    const links = page.getByRole('link', { name: /View on Bluesky/ });
    await expect.poll(() => links.count(), PUBLISHED).toBe(2);
    const posted = async (account: LocalAccount) =>
      (await net.listPosts(account.did)).map((r) => r.value as { text: string; createdAt: string });
    const [a] = await posted(alice);
    const [b] = await posted(bob);
    expect(a?.text).toBe(shared);
    expect(b?.text).toBe(bobsText);
    // Sent at its new time (today), not tomorrow; never before it.
    const sentAt = new Date(a!.createdAt).getTime();
    expect(day(new Date(sentAt))).toBe(today);
    expect(sentAt).toBeGreaterThanOrEqual(new Date(`${today}T${time}:00Z`).getTime() - 1_000);
    const hrefs = await links.evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    expect(hrefs.every((h) => typeof h === 'string' && h.length > 0)).toBe(true);
    // The post goes out about two minutes after it was composed: longer than the default test time limit.
  }, 300_000);
});
