import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The composer in a real browser against the real server: one post for a signed webhook and a Discord
 * webhook (both on a loopback receiver), with its own text on Discord. Each channel shows its preview with
 * its own text and counter; an over-limit text is reported in the Discord version, at its text; once fixed,
 * the post is scheduled, and the server holds exactly what was composed. Then the hashtag used is
 * suggested while typing and taken with the keyboard.
 */
const OWNER = { name: 'Carla Composer', email: 'carla@example.test', password: 'a long owner password 42' };
const HOOK = 'Acme hook';
const DISCORD = 'Acme Discord';

describe('the composer in a real browser', () => {
  let chorus: ChorusProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((req, res) => {
      if (req.method === 'GET') return void res.end(JSON.stringify({ name: 'Discord hook' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, OWNER);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
  });

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

  async function connect(page: Page, network: string, name: string, fields: Record<string, string>) {
    await nav(page, 'Settings');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Channels' }).click();
    await page.getByLabel('Network').selectOption({ label: network });
    await page.getByLabel('Channel name').fill(name);
    for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value);
    await page.getByRole('button', { name: 'Connect channel' }).click();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(name) }).count()).toBe(1);
  }

  it('composes one post for two channels, finds the over-limit text where it is, fixes it and schedules it', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, OWNER);
    await connect(page, 'Signed webhook', HOOK, {
      'Webhook URL': `${receiver.url}/hooks/acme`,
      'Signing secret': 'composer-ui-signing-secret',
    });
    await connect(page, 'Discord (webhook)', DISCORD, {
      'Webhook URL': `${receiver.url}/api/webhooks/42/composer-token`,
    });

    await nav(page, 'Compose');
    const shared = 'Spring menu is here #spring';
    await page.getByLabel('Post text').fill(shared);
    await page.getByLabel(HOOK, { exact: true }).check();
    await page.getByLabel(DISCORD, { exact: true }).check();
    const hook = page.getByRole('region', { name: `Version for ${HOOK}` });
    const discord = page.getByRole('region', { name: `Version for ${DISCORD}` });
    const hookPreview = hook.getByRole('figure');
    const discordPreview = discord.getByRole('figure');
    await expect.poll(() => hookPreview.textContent()).toContain(shared);
    expect(await hookPreview.textContent()).toContain(`${[...shared].length} / 10000 characters`);
    // Discord shows the shared text as a chat message, its hashtag marked; the webhook shows its JSON body.
    await expect.poll(() => discordPreview.getByText('#spring', { exact: true }).count()).toBe(1);
    expect(await hookPreview.textContent()).toContain(`"text": "${shared}"`);

    // Discord gets its own text, too long for it: the counter and the error are in Discord's version only.
    await discord.getByLabel(`Use the shared text for ${DISCORD}`).uncheck();
    const long = `Discord edition ${'x'.repeat(2034)}`;
    await discord.getByLabel(`Text for ${DISCORD}`, { exact: true }).fill(long);
    await expect.poll(() => discordPreview.textContent()).toContain('2050 / 2000 characters');
    expect(await discordPreview.textContent()).toContain(long);
    const located = 'The text is 2050 characters long; the limit is 2000. Shorten it by 50.';
    await expect.poll(() => discord.getByText(located).count()).toBe(1);
    expect(await hook.getByText(located).count()).toBe(0);
    expect(await hookPreview.textContent()).toContain(shared);
    const textbox = discord.getByLabel(`Text for ${DISCORD}`, { exact: true });
    expect(await textbox.getAttribute('aria-describedby')).toBeTruthy();
    expect(
      await page.locator(`#${(await textbox.getAttribute('aria-describedby'))!.split(' ')[1]}`).textContent(),
    ).toBe(located);

    // Saving is refused with the same words.
    await page.getByLabel('At a time').check();
    await page.getByLabel('Date and time').fill('2030-05-01T09:30');
    await page.getByRole('button', { name: 'Schedule post' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain(`${DISCORD}: ${located}`);

    // Fixed: the error goes, the counter follows, and the post is scheduled.
    const own = 'Discord edition: the spring menu';
    await textbox.fill(own);
    await expect.poll(() => discord.getByText(located).count()).toBe(0);
    await expect.poll(() => discordPreview.textContent()).toContain(`${own.length} / 2000 characters`);
    expect(await discordPreview.textContent()).toContain(own);
    await page.getByRole('button', { name: 'Schedule post' }).click();
    await expect.poll(() => page.url()).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('is scheduled');

    const postId = /\/posts\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const saved = await page.evaluate(
      async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/posts/${id}`)).json(),
      [workspaceId, postId],
    );
    expect(saved.post).toMatchObject({
      body: shared,
      scheduleLocal: '2030-05-01T09:30',
      status: 'scheduled',
    });
    const bodies = Object.fromEntries(
      saved.post.channels.map((c: { channelId: string; body: string | null }) => [c.channelId, c.body]),
    );
    expect(Object.values(bodies).sort()).toEqual([own, null].sort());

    // The hashtag just used is suggested after "#sp"; ↓ and Enter take it, Escape closes the list.
    await nav(page, 'Compose');
    const text = page.getByRole('combobox', { name: 'Post text' });
    await text.fill('');
    await text.pressSequentially('Try #Sp');
    const list = page.getByRole('listbox', { name: 'Hashtags used before' });
    await expect.poll(() => list.getByRole('option').allTextContents()).toEqual(['#spring · used 1×']);
    expect(await text.getAttribute('aria-expanded')).toBe('true');
    await text.press('ArrowDown');
    expect(await list.getByRole('option', { selected: true }).textContent()).toContain('#spring');
    await text.press('Enter');
    expect(await text.inputValue()).toBe('Try #spring ');
    expect(await text.getAttribute('aria-expanded')).toBe('false');
    await text.pressSequentially('and #s');
    await expect.poll(() => text.getAttribute('aria-expanded')).toBe('true');
    await text.press('Escape');
    expect(await text.getAttribute('aria-expanded')).toBe('false');
    expect(await text.inputValue()).toBe('Try #spring and #s');

    // An idea needs no channel and no time.
    await text.fill('Autumn menu, with #spring leftovers');
    await page.getByLabel('Save as idea').check();
    await page.getByRole('button', { name: 'Save idea' }).click();
    await expect.poll(() => page.url()).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('The idea was saved.');
    const ideaId = /\/posts\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const idea = await page.evaluate(
      async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/posts/${id}`)).json(),
      [workspaceId, ideaId],
    );
    expect(idea.post).toMatchObject({
      kind: 'idea',
      body: 'Autumn menu, with #spring leftovers',
      channels: [],
    });

    // On a phone, the composer with two versions fits the screen.
    await nav(page, 'Compose');
    await page.getByLabel(HOOK, { exact: true }).check();
    await page.getByLabel(DISCORD, { exact: true }).check();
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.getByRole('region', { name: `Version for ${DISCORD}` }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
    await page.context().close();
  });
});
