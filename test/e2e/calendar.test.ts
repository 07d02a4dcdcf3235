import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The calendar in a real browser against `chorus start`: posts sit on their days in the month grid; one is
 * dragged to the next day and another moved with the keyboard ("Move"), and the server agrees; a note shows
 * on its day; the secret feed address serves the posts as iCal; on a phone the days stack without sideways
 * scrolling.
 */
const OWNER = { name: 'Cal Planner', email: 'cal@example.test', password: 'a long owner password 42' };
const SECRET = 'calendar-ui-signing-secret';
const SOON = { timeout: 15_000, interval: 200 };

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

describe('the calendar in a real browser', () => {
  let chorus: ChorusProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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

  /** The API, as the logged-in page (its cookie and CSRF token). */
  async function apiOf(page: Page) {
    const me = (await (await page.request.get(`${chorus.url}/api/v1/me`)).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': me.csrfToken };
    return {
      post: async (path: string, data: unknown) => {
        const res = await page.request.post(`${chorus.url}${path}`, { data, headers });
        expect(res.status(), await res.text()).toBeLessThan(300);
        return res.json();
      },
      get: async (path: string) => (await page.request.get(`${chorus.url}${path}`)).json(),
    };
  }

  it('shows posts on their days, moves them by drag and drop and by keyboard, with notes and a feed', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, OWNER);
    const api = await apiOf(page);
    const w = `/api/v1/workspaces/${workspaceId}`;
    const channel = (
      await api.post(`${w}/channels`, {
        network: 'webhook',
        name: 'Acme hook',
        credential: { url: `${receiver.url}/hook`, secret: SECRET },
      })
    ).channel;
    // Two posts on the 10th and 12th of next month, at 10:00 (the workspace is in UTC).
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const on = (date: number) => new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), date, 10));
    const first = (
      await api.post(`${w}/posts`, {
        body: 'Spring teaser',
        channels: [{ channelId: channel.id }],
        schedule: { at: on(10).toISOString() },
      })
    ).post;
    const second = (
      await api.post(`${w}/posts`, {
        body: 'Weekly tip',
        channels: [{ channelId: channel.id }],
        schedule: { at: on(12).toISOString() },
      })
    ).post;

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('button', { name: 'Next month' }).click();
    const cell = (d: Date) => page.locator(`[data-day="${day(d)}"]`);
    await expect.poll(() => cell(on(10)).textContent(), SOON).toContain('Spring teaser');
    expect(await cell(on(10)).getAttribute('aria-label')).toMatch(/, 1 post$/);
    expect(await cell(on(12)).textContent()).toContain('Weekly tip');

    // Drag the teaser to the 11th: same time of day, new date.
    await cell(on(10))
      .getByText('Spring teaser')
      .dragTo(cell(on(11)));
    await expect.poll(() => cell(on(11)).textContent(), SOON).toContain('Spring teaser');
    await expect.poll(() => page.getByRole('status').textContent(), SOON).toContain('Moved');
    const moved = (await api.get(`${w}/posts/${first.id}`)).post;
    expect(moved.deliveries[0].dueAt).toBe(on(11).toISOString());

    // With the keyboard: Move → a new date and time.
    await cell(on(12)).getByRole('button', { name: /^Move/ }).click();
    const form = page.getByRole('form', { name: 'Move a post' });
    await form.getByLabel('New date and time').fill(`${day(on(14))}T08:30`);
    await form.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => cell(on(14)).textContent(), SOON).toContain('Weekly tip');
    const keyboardMoved = (await api.get(`${w}/posts/${second.id}`)).post;
    expect(keyboardMoved.deliveries[0].dueAt).toBe(`${day(on(14))}T08:30:00.000Z`);

    // A launch note on the 20th.
    const notes = page.getByRole('form', { name: 'Add a calendar note' });
    await notes.getByLabel('Title').fill('Product launch');
    await notes.getByLabel('Kind').selectOption('launch');
    await notes.getByLabel('From').fill(day(on(20)));
    await notes.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => cell(on(20)).textContent(), SOON).toContain('Product launch');

    // The feed address, shown once, serves the posts as iCal.
    await page.getByRole('button', { name: 'Create a feed address' }).click();
    const address = page.getByLabel('Your calendar feed address');
    await expect.poll(() => address.textContent(), SOON).toMatch(/\/api\/v1\/calendar-feeds\/.+\.ics$/);
    const feed = await fetch((await address.textContent())!.trim());
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const ics = (await feed.text()).replace(/\r\n /g, '');
    expect(ics).toContain('SUMMARY:[Acme hook] Spring teaser');
    expect(ics).toContain(`DTSTART:${day(on(14)).replace(/-/g, '')}T083000Z`);

    // The list view still lists every post.
    await page.getByRole('button', { name: 'List' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Posts' }).getByRole('link').count(), SOON)
      .toBe(2);

    // On a phone the days stack: no sideways scrolling.
    await page.getByRole('button', { name: 'Month' }).click();
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.locator('.calendar-day').count(), SOON).toBeGreaterThan(27);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
    await page.context().close();
  });
});
