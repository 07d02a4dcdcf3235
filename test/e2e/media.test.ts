import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../../src/networks/telegram/test-support/contract-env.js';
import { startBotApiStandIn } from '../../src/networks/telegram/test-support/stand-in.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import {
  launchBrowser,
  logIn,
  requireBrowserSetup,
  setUpOwner,
  apiSession,
  type SessionApi,
} from '../support/browser.js';
import { image } from '../support/media-files.js';

/**
 * The media library in a real browser against the real server: uploads with progress (one refused for its
 * content), thumbnails served to the session, search and tag filter, editing alt text and tags, a delete
 * refused while a scheduled post uses the file, and the page at phone width.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'mia@example.test';
const SOON = { timeout: 15_000, interval: 150 };

describe('the media library in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let bot: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let api: SessionApi;

  beforeAll(async () => {
    requireBrowserSetup();
    bot = await startBotApiStandIn();
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Mia Media', email: EMAIL, password: PASSWORD });
    api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await bot?.close();
  });

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const card = (page: Page, name: string) => page.getByRole('listitem', { name, exact: true });

  it('uploads, finds, edits and refuses to delete what a scheduled post uses', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    await nav(page, 'Media');
    await expect.poll(() => page.getByText('The library is empty').count(), SOON).toBe(1);

    await page.getByLabel('Files', { exact: true }).setInputFiles([
      { name: 'beach.png', mimeType: 'image/png', buffer: await image('png', 800, 600) },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are notes, not a photo') },
      { name: 'team.jpg', mimeType: 'image/jpeg', buffer: await image('jpeg', 400, 400) },
    ]);
    await page.getByLabel('Tags for these files').fill('Summer, launch');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => card(page, 'beach.png').count(), SOON).toBe(1);
    await expect.poll(() => card(page, 'team.jpg').count(), SOON).toBe(1);
    const refusal = page.getByRole('list', { name: 'Uploads' }).getByRole('alert');
    await expect
      .poll(() => refusal.textContent(), SOON)
      .toMatch(/"notes\.jpg" cannot go in the media library/);
    expect(await card(page, 'beach.png').textContent()).toMatch(/PNG · 800 × 600/);
    // The thumbnail is served to this session and decodes.
    const thumb = card(page, 'beach.png').locator('img');
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), SOON)
      .toBe(320);

    // Search and tag filter.
    await page.getByLabel('Search media').fill('beach');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Matching media' }).locator(':scope > li').count(), SOON)
      .toBe(1);
    await page.getByLabel('Search media').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'summer (2)' });
    await expect.poll(() => card(page, 'team.jpg').count(), SOON).toBe(1);

    // Edit alt text and tags.
    await page.getByRole('button', { name: 'Edit beach.png' }).click();
    await card(page, 'beach.png').getByLabel('Alt text').fill('Blue sea under a clear sky');
    await card(page, 'beach.png').getByRole('textbox', { name: 'Tags' }).fill('summer, sea');
    await card(page, 'beach.png').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => card(page, 'beach.png').textContent(), SOON)
      .toContain('Blue sea under a clear sky');
    await expect.poll(() => page.getByRole('status').textContent(), SOON).toBe('beach.png was saved.');
    expect(await card(page, 'beach.png').getByRole('list', { name: 'Tags' }).textContent()).toBe('summersea');

    // A post scheduled to a Telegram channel uses beach.png: deleting it is refused, with why.
    const channel = await api('POST', `/api/v1/workspaces/${workspaceId}/channels`, {
      network: 'telegram',
      name: 'News',
      credential: { botToken: TEST_TOKEN, chatId: '@acme_news', apiBase: bot.url },
    });
    expect(channel.status).toBe(201);
    const channelId = ((await channel.json()) as { channel: { id: string } }).channel.id;
    const list = (await (await api('GET', `/api/v1/workspaces/${workspaceId}/media?q=beach`)).json()) as {
      assets: { id: string }[];
    };
    const post = await api('POST', `/api/v1/workspaces/${workspaceId}/posts`, {
      body: 'Summer is here',
      channels: [{ channelId, media: [{ assetId: list.assets[0]!.id }] }],
      schedule: { at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(post.status, await post.clone().text()).toBe(201);
    await page.getByRole('button', { name: 'Delete beach.png' }).click();
    await card(page, 'beach.png').getByRole('button', { name: 'Delete for good' }).click();
    await expect
      .poll(() => card(page, 'beach.png').getByRole('alert').textContent(), SOON)
      .toMatch(/^"beach\.png" is used by a post still to be published \(first: "Summer is here"/);
    // team.jpg is free to go.
    await page.getByRole('button', { name: 'Delete team.jpg' }).click();
    await card(page, 'team.jpg').getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => card(page, 'team.jpg').count(), SOON).toBe(0);
    await expect.poll(() => page.getByRole('status').textContent(), SOON).toBe('team.jpg was deleted.');
  });

  it('fits a phone-sized screen', async () => {
    const { page } = await logIn(
      browser,
      chorus.url,
      { email: EMAIL, password: PASSWORD },
      { width: 360, height: 740 },
    );
    await nav(page, 'Media');
    await expect.poll(() => card(page, 'beach.png').count(), SOON).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: 'Edit beach.png' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card(page, 'beach.png').getByLabel('Alt text').count(), SOON).toBe(1);
  });
});
