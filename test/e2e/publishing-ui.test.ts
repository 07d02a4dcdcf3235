import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPayload } from '../../src/core/signature.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver, type ReceivedRequest } from '../support/receiver.js';

/**
 * Delivery status in a real browser against the real server (`chorus start`, its own job engine): a signed
 * webhook channel on a loopback receiver is connected in Settings → Channels; a post composed "Now" is seen
 * becoming Published with its attempt history; a refused post is seen Failed with the reason and retried;
 * a post composed while publishing is paused is held, then sent when publishing resumes.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'paula@example.test';
const SECRET = 'publishing-ui-signing-secret';
const CHANNEL = 'Acme hook';
/** The job engine polls every 2 s; a post going out takes a few seconds. */
const DELIVERY = { timeout: 20_000, interval: 250 };

describe('delivery status in a real browser', () => {
  let chorus: ChorusProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let answer: 'ok' | 'refuse' = 'ok';
  const published: string[] = [];

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((req: ReceivedRequest, res) => {
      const signed = verifyPayload({
        secret: SECRET,
        body: req.body,
        signature: req.headers['x-chorus-signature'] as string | undefined,
        timestamp: req.headers['x-chorus-timestamp'] as string | undefined,
        now: new Date(),
      });
      if (!signed) return void res.writeHead(401).end();
      const parsed = JSON.parse(req.body) as { ping?: boolean; text?: string };
      if (parsed.ping) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (answer === 'refuse') {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"not accepted"}');
      }
      published.push(parsed.text ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `post-${published.length}` }));
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Paula Publisher', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
  });

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const settings = async (page: Page, name: string) => {
    await nav(page, 'Settings');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name }).click();
  };
  /** The panel of one channel on a post's page. */
  const channelPanel = (page: Page) => page.getByRole('listitem', { name: CHANNEL });

  /** Composes a post to the channel, to go out now; returns the address of its page. */
  async function composeNow(page: Page, text: string): Promise<string> {
    await nav(page, 'Compose');
    await page.getByLabel('Post text').fill(text);
    await page.getByLabel(CHANNEL, { exact: true }).check();
    await page.getByLabel('Now', { exact: true }).check();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.url()).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Post');
    return page.url();
  }

  it('shows a post going out, failing and being retried, and being held by a pause', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${chorus.url}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.url()).toMatch(/\/w\/[0-9a-f-]{36}\/calendar$/);
    await page.getByRole('button', { name: 'List' }).click();
    await expect.poll(() => page.getByText('No posts yet.').count()).toBe(1);

    // Connect the receiver as a signed webhook channel.
    await settings(page, 'Channels');
    await page.getByLabel('Network').selectOption({ label: 'Signed webhook' });
    await page.getByLabel('Channel name').fill(CHANNEL);
    await page.getByLabel('Webhook URL').fill(`${receiver.url}/hooks/acme`);
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Connect channel' }).click();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(CHANNEL) }).count()).toBe(1);

    // 1. A post sent now becomes Published, with its attempt history.
    await composeNow(page, 'Spring menu is here');
    await expect.poll(() => channelPanel(page).textContent(), DELIVERY).toContain('Published');
    expect(published).toEqual(['Spring menu is here']);
    expect(await channelPanel(page).textContent()).toMatch(/Lateness/);
    await page.getByText('Attempt history (1 attempt)').click();
    const history = channelPanel(page).getByRole('table');
    await expect.poll(() => history.getByRole('row').count()).toBe(2);
    expect(await history.getByRole('row').nth(1).textContent()).toMatch(/^1.*Published/);

    // 2. A refused post is Failed with the reason; Retry sends it once the receiver accepts again.
    answer = 'refuse';
    await composeNow(page, 'Hot sauce tasting');
    await expect.poll(() => channelPanel(page).textContent(), DELIVERY).toContain('Failed');
    expect(await channelPanel(page).textContent()).toContain(
      'Acme hook refused the post: The webhook receiver answered 400. The receiver did not accept this post.',
    );
    expect(await page.getByRole('heading', { level: 1 }).locator('..').textContent()).toContain(
      'Needs attention',
    );
    answer = 'ok';
    await page.getByRole('button', { name: 'Retry failed deliveries' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Sending again to Acme hook|Acme hook: Published/);
    await expect.poll(() => channelPanel(page).textContent(), DELIVERY).toContain('Published');
    expect(published).toEqual(['Spring menu is here', 'Hot sauce tasting']);
    await page.getByText('Attempt history (2 attempts)').click();
    const retried = channelPanel(page).getByRole('table').getByRole('row');
    await expect.poll(() => retried.count()).toBe(3);
    expect(await retried.nth(1).textContent()).toMatch(/Failed.*answered 400/);
    expect(await retried.nth(2).textContent()).toMatch(/Published/);
    expect(await page.getByRole('button', { name: 'Retry failed deliveries' }).count()).toBe(0);

    // 3. Pause the workspace: a post sent now is held with the reason, and goes out when resumed.
    await settings(page, 'Publishing');
    await expect.poll(() => page.getByText('Nothing is paused').count()).toBe(1);
    await page.getByLabel('What to pause').selectOption({ label: 'The whole workspace' });
    await page.getByLabel('Reason (optional)').fill('launch moved to Friday');
    await page.getByRole('button', { name: 'Pause publishing' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Publishing is paused for the whole workspace.');
    const pauses = page.getByRole('list', { name: 'Pauses in force' });
    await expect.poll(() => pauses.textContent()).toContain('launch moved to Friday');

    const heldPage = await composeNow(page, 'Friday launch');
    await expect.poll(() => channelPanel(page).textContent(), DELIVERY).toContain('Paused');
    expect(await channelPanel(page).textContent()).toContain(
      'Publishing is paused for this workspace (launch moved to Friday). Resume it to send.',
    );
    expect(published).toHaveLength(2);

    await settings(page, 'Publishing');
    const attention = page.getByRole('list', { name: 'Deliveries that need attention' });
    await expect.poll(() => attention.textContent()).toContain('Friday launch');
    await expect.poll(() => attention.textContent()).toContain(CHANNEL);
    await page.getByRole('button', { name: 'Resume publishing: The whole workspace' }).click();
    await page.getByLabel('Send held posts now').check();
    await page.getByRole('button', { name: 'Resume publishing', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('1 held post is being sent now.');
    await expect.poll(() => page.getByText('Nothing is paused').count()).toBe(1);

    await page.goto(heldPage);
    await expect.poll(() => channelPanel(page).textContent(), DELIVERY).toContain('Published');
    expect(published).toEqual(['Spring menu is here', 'Hot sauce tasting', 'Friday launch']);

    // The calendar lists the three posts, newest first, each with its channel's state.
    await nav(page, 'Calendar');
    await page.getByRole('button', { name: 'List' }).click();
    const posts = page
      .getByRole('list', { name: 'Posts' })
      .getByRole('listitem')
      .filter({
        has: page.getByRole('link'),
      });
    await expect.poll(() => posts.count()).toBe(3);
    expect((await posts.getByRole('link').allTextContents()).map((t) => t.trim())).toEqual([
      'Friday launch',
      'Hot sauce tasting',
      'Spring menu is here',
    ]);
    expect(await posts.first().textContent()).toMatch(/Published.*Acme hook.*Published/);
    await page.getByLabel('Delivery state').selectOption({ label: 'Failed' });
    await expect.poll(() => page.getByText('No post has a delivery that is failed.').count()).toBe(1);

    // On a phone, the post page fits the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(heldPage);
    await expect.poll(() => channelPanel(page).textContent()).toContain('Published');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
    await context.close();
  });
});
