import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The Import page in a real browser against the real server (its own job engine runs the import): a file
 * is chosen, every row is shown checked with its problems located, the valid rows are imported while a
 * progress bar follows, and the page works at phone width.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'ines@example.test';

describe('the Import page in a real browser', () => {
  let chorus: ChorusProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((_req, res) => res.writeHead(200).end('{}'));
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Ines Importer', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
  });

  it('checks a file, shows each problem by row and column, and imports the valid rows', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    const api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    const connected = await api('POST', `/api/v1/workspaces/${workspaceId}/channels`, {
      network: 'webhook',
      name: 'Newsroom',
      credential: { url: `${receiver.url}/hook`, secret: 'import-ui-signing-secret' },
    });
    expect(connected.status).toBe(201);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import', exact: true })
      .click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Import posts');
    await page.getByLabel('CSV file').setInputFiles({
      name: 'spring.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'channel,text,time\nNewsroom,Spring is here,2099-04-01 09:00\nNowhere,Lost post,\nNewsroom,A draft,\n',
      ),
    });
    await page.getByRole('button', { name: 'Check file' }).click();
    await expect.poll(() => page.getByText('Chorus layout: 3 rows').count()).toBe(1);
    // Rows with problems are shown first, with the column and what to do.
    const problems = page.getByRole('cell', { name: /Column channel: There is no channel "Nowhere"/ });
    await expect.poll(() => problems.count()).toBe(1);
    await page.getByLabel('Show only rows with problems').uncheck();
    await expect.poll(() => page.getByRole('row').count()).toBe(4);

    await page.getByRole('button', { name: 'Import 2 rows' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 20_000, interval: 250 })
      .toBe('Import finished: 2 posts created.');
    expect(await page.getByRole('progressbar').getAttribute('value')).toBe('2');
    await expect.poll(() => page.getByRole('link', { name: 'Open post' }).count()).toBe(2);

    const posts = await api('GET', `/api/v1/workspaces/${workspaceId}/posts`);
    const body = (await posts.json()) as { posts: { body: string }[] };
    expect(body.posts.map((p) => p.body).sort()).toEqual(['A draft', 'Spring is here']);
  });

  it('fits a phone screen', async () => {
    const { page } = await logIn(
      browser,
      chorus.url,
      { email: EMAIL, password: PASSWORD },
      { width: 375, height: 740 },
    );
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import', exact: true })
      .click();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `channel,text\nNowhere,${'A long line of text that has to wrap on a phone '.repeat(4)}\n`,
      ),
    });
    await page.getByRole('button', { name: 'Check file' }).click();
    await expect.poll(() => page.getByText(/There is no channel "Nowhere"/).count()).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
