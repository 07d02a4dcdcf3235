import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import type { SessionApi } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The Ideas and Queues pages in a real browser against the real server: a category is created, a channel's
 * queue gets two slots (after an overlap is refused and shown next to its slot), an idea with tags is noted,
 * filtered and turned into a queued post, and the Queues page shows it holding the first free slot of its
 * category. Both pages fit a phone.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'quinn@example.test';
const CHANNEL = 'Bakery hook';
const IDEA = 'Spring baking tips';

interface ApiQueue {
  timeZone: string;
  slots: { weekday: number; time: string; categoryId: string | null }[];
  upcoming: { at: string; categoryId: string | null; deliveryId: string | null; postId: string | null }[];
}

describe('ideas and queues in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startReceiver>>;
  let api: SessionApi;
  /** Shared by both tests: the workspace's API prefix and the channel the first test connects. */
  let ws = '';
  let channelId = '';

  beforeAll(async () => {
    requireBrowserSetup();
    server = await startReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true' } });
    await setUpOwner(chorus.url, { name: 'Quinn Owner', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await server?.close();
  });

  async function apiGet<T>(path: string): Promise<T> {
    const res = await api('GET', path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }
  async function apiSend(method: string, path: string, body: unknown): Promise<Response> {
    return api(method, path, body);
  }
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  /** What the page's live regions say. */
  const status = async (page: Page) => (await page.getByRole('status').allTextContents()).join(' | ');

  it('plans with categories, a queue and an idea turned into a queued post', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    page.on('dialog', (dialog) => void dialog.accept());
    api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    ws = `/api/v1/workspaces/${workspaceId}`;
    const channel = await apiSend('POST', `${ws}/channels`, {
      network: 'webhook',
      name: CHANNEL,
      credential: { url: `${server.url}/hook`, secret: 'planner-browser-test-secret' },
    });
    expect(channel.status).toBe(201);
    channelId = ((await channel.json()) as { channel: { id: string } }).channel.id;

    // 1. A category, created on the Ideas page.
    await nav(page, 'Ideas');
    await expect.poll(() => page.getByText('No ideas yet.', { exact: false }).count()).toBe(1);
    await expect.poll(() => page.getByText('No categories yet.').count()).toBe(1);
    await page.getByText('New category', { exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Tips');
    await page.getByLabel('Colour').fill('#c53030');
    await page.getByRole('button', { name: 'Create category' }).click();
    const categories = page.getByRole('list', { name: 'Categories' });
    await expect.poll(() => categories.getByRole('listitem', { name: 'Tips' }).count()).toBe(1);
    await expect.poll(() => status(page)).toContain('The category Tips was created.');
    const { categories: saved } = await apiGet<{ categories: { id: string; color: string }[] }>(
      `${ws}/categories`,
    );
    expect(saved).toEqual([expect.objectContaining({ color: '#c53030' })]);
    const tipsId = saved[0]!.id;

    // 2. The channel's queue: two slots on Monday 3 minutes apart are refused, the problem shown at its slot.
    await nav(page, 'Queues');
    await expect.poll(() => page.getByLabel('Channel').inputValue()).toBe(channelId);
    await expect.poll(() => page.getByText(`${CHANNEL} has no queue yet.`, { exact: false }).count()).toBe(1);
    const addSlot = async (day: string, time: string, category?: string) => {
      await page.getByLabel('Day', { exact: true }).selectOption({ label: day });
      await page.getByLabel('Time', { exact: true }).fill(time);
      await page
        .getByLabel('Slot category')
        .selectOption({ label: category ?? 'Any post without a category' });
      await page.getByRole('button', { name: 'Add slot' }).click();
    };
    await addSlot('Monday', '09:00');
    await addSlot('Monday', '09:03');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('The queue was not saved: 1 slot problem, shown next to the slots below.');
    const late = page.getByRole('listitem', { name: 'Monday 09:03' });
    await expect.poll(() => late.textContent()).toContain('overlaps 09:00');
    expect(await page.getByRole('listitem', { name: 'Monday 09:00' }).textContent()).not.toContain(
      'overlaps',
    );
    expect(
      (await apiGet<{ queue: { configured: boolean } }>(`${ws}/channels/${channelId}/queue`)).queue,
    ).toMatchObject({ configured: false });

    // Remove the clashing slot, keep Thursday evening for Tips, and save.
    await page.getByRole('button', { name: 'Remove Monday 09:03' }).click();
    await addSlot('Thursday', '18:30', 'Only Tips');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await expect.poll(() => status(page)).toContain(`The queue of ${CHANNEL} was saved with 2 slots a week.`);
    const thursday = page.getByRole('listitem', { name: 'Thursday 18:30, Tips' });
    expect(await thursday.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(197, 48, 48)');
    const { queue } = await apiGet<{ queue: ApiQueue }>(`${ws}/channels/${channelId}/queue`);
    expect(queue.timeZone).toBe('Europe/Berlin');
    expect(queue.slots).toEqual([
      { weekday: 1, time: '09:00', categoryId: null },
      { weekday: 4, time: '18:30', categoryId: tipsId },
    ]);
    const upcoming = page.getByRole('list', { name: 'Upcoming slots' }).getByRole('listitem');
    await expect.poll(() => upcoming.count()).toBe(queue.upcoming.length);
    expect(queue.upcoming.length).toBeGreaterThanOrEqual(4);
    expect(await upcoming.getByText('free', { exact: true }).count()).toBe(queue.upcoming.length);

    // 3. An idea with tags and a category; the tag filter finds it, another tag does not.
    await nav(page, 'Ideas');
    await page.getByText('New idea', { exact: true }).click();
    await page.getByLabel('Title').fill(IDEA);
    await page.getByLabel('Text', { exact: true }).fill('Three things to bake before Easter.');
    await page.getByLabel('Tags').fill('#spring, baking');
    await page.locator('.new-idea').getByLabel('Category', { exact: true }).selectOption({ label: 'Tips' });
    await page.getByLabel('Notes').fill('Ask Dana for the photos');
    await page.getByRole('button', { name: 'Save idea' }).click();
    const ideas = page.getByRole('list', { name: 'Ideas' });
    const idea = ideas.getByRole('listitem', { name: IDEA });
    await expect.poll(() => idea.count()).toBe(1);
    expect(await idea.textContent()).toMatch(/Idea.*Tips.*Three things to bake.*#spring.*#baking.*Ask Dana/);
    await page.getByRole('button', { name: 'Show only #baking' }).click();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Tag' }).inputValue()).toBe('baking');
    await expect.poll(() => idea.count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Tag' }).fill('winter');
    await expect.poll(() => page.getByText('No ideas match these filters.').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => idea.count()).toBe(1);
    // The tabs follow the arrow keys.
    await page.getByRole('tab', { name: 'Ideas' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { name: 'Drafts', selected: true }).count()).toBe(1);
    await expect.poll(() => page.getByText('No drafts: every post has a time.').count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => idea.count()).toBe(1);

    // 4. Turn it into a post in the queue: without a channel the form says what is missing.
    await page.getByRole('button', { name: `Turn into a post: ${IDEA}` }).click();
    const turn = page.getByRole('region', { name: `Turn “${IDEA}” into a post` });
    await turn.getByRole('button', { name: 'Add to queue' }).click();
    await expect
      .poll(() => turn.getByRole('alert').textContent())
      .toBe('Choose at least one channel to publish to.');
    await turn.getByLabel(CHANNEL).check();
    expect(await turn.getByLabel('Add to queue').isChecked()).toBe(true);
    await turn.getByRole('button', { name: 'Add to queue' }).click();
    await expect.poll(() => status(page)).toContain(`“${IDEA}” is scheduled: ${CHANNEL} at`);
    await expect.poll(() => idea.count()).toBe(0);
    const viewPost = page.getByRole('link', { name: 'View the post' });
    const postId = /\/posts\/([0-9a-f-]{36})$/.exec((await viewPost.getAttribute('href'))!)![1]!;
    const { post } = await apiGet<{
      post: { kind: string; tags: string[]; deliveries: { dueAt: string; queued: boolean }[] };
    }>(`${ws}/posts/${postId}`);
    const firstTipsSlot = queue.upcoming.find((u) => u.categoryId === tipsId)!;
    expect(post).toMatchObject({ kind: 'post', tags: ['spring', 'baking'] });
    expect(post.deliveries).toEqual([expect.objectContaining({ queued: true, dueAt: firstTipsSlot.at })]);

    // 5. The Queues page shows the post in that slot; every other slot is free.
    await nav(page, 'Queues');
    const holding = page
      .getByRole('list', { name: 'Upcoming slots' })
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: IDEA }) });
    await expect.poll(() => holding.count()).toBe(1);
    expect(await holding.locator('time').getAttribute('datetime')).toBe(firstTipsSlot.at);
    expect(await holding.textContent()).toContain('Tips');
    expect(await upcoming.getByText('free', { exact: true }).count()).toBe(queue.upcoming.length - 1);

    // Shuffling explains itself first; pinned posts never move.
    await page.getByRole('button', { name: 'Shuffle', exact: true }).click();
    const confirm = page.getByRole('group', { name: 'Shuffle the queue' });
    expect(await confirm.textContent()).toContain('Posts pinned to a time never move.');
    await confirm.getByRole('button', { name: 'Shuffle the queue' }).click();
    await expect.poll(() => status(page)).toContain(`The queue of ${CHANNEL} was shuffled.`);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Pause the queue' }).click();
    await expect.poll(() => holding.textContent()).toContain('Held');
    await expect.poll(() => page.getByRole('button', { name: 'Resume', exact: true }).count()).toBe(1);

    // Following the link opens the post; coming back keeps the channel.
    await holding.getByRole('link', { name: IDEA }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`/posts/${postId}$`));
    await page.goBack();
    await expect.poll(() => page.url()).toContain(`channel=${channelId}`);

    // 6. On a phone, both pages fit the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => holding.count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
    await nav(page, 'Ideas');
    await expect.poll(() => categories.getByRole('listitem', { name: 'Tips' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
  });

  it('edits and schedules a draft at a time, deletes an idea, and changes and deletes a category', async () => {
    expect(channelId, 'the first test connects the channel').not.toBe('');
    const { page } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    page.on('dialog', (dialog) => void dialog.accept());
    const draft = await apiSend('POST', `${ws}/posts`, {
      body: 'Rye needs a long, slow proof.',
      channels: [{ channelId, body: 'Rye, the slow way (hook text)' }],
    });
    expect(draft.status).toBe(201);
    const draftId = ((await draft.json()) as { post: { id: string } }).post.id;
    const doomed = await apiSend('POST', `${ws}/posts`, {
      kind: 'idea',
      body: 'Croissant myths',
      channels: [],
    });
    expect(doomed.status).toBe(201);
    const doomedId = ((await doomed.json()) as { post: { id: string } }).post.id;

    await nav(page, 'Ideas');
    const ideas = page.getByRole('list', { name: 'Ideas' });
    await expect.poll(() => ideas.getByRole('listitem', { name: 'Croissant myths' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete Croissant myths' }).click();
    await expect.poll(() => status(page)).toContain('The idea “Croissant myths” was deleted.');
    expect(await ideas.getByRole('listitem', { name: 'Croissant myths' }).count()).toBe(0);
    expect((await api('GET', `${ws}/posts/${doomedId}`)).status).toBe(404);

    // The draft: edited in place, then scheduled at a time in the workspace's zone.
    await page.getByRole('tab', { name: 'Drafts' }).click();
    const drafts = page.getByRole('list', { name: 'Drafts' });
    const row = drafts.getByRole('listitem', { name: 'Rye needs a long, slow proof.' });
    await expect.poll(() => row.textContent()).toContain(`For ${CHANNEL}`);
    await page.getByRole('button', { name: 'Edit Rye needs a long, slow proof.' }).click();
    const edit = page.getByRole('region', { name: 'Edit Rye needs a long, slow proof.' });
    await edit.getByLabel('Title').fill('Rye bread');
    await edit.getByLabel('Tags').fill('bread #rye');
    await edit.getByRole('button', { name: 'Save draft' }).click();
    const renamed = drafts.getByRole('listitem', { name: 'Rye bread' });
    await expect.poll(() => renamed.textContent()).toMatch(/Rye bread.*Draft.*#bread.*#rye/);
    await page.getByRole('button', { name: 'Schedule: Rye bread' }).click();
    const turn = page.getByRole('region', { name: 'Turn “Rye bread” into a post' });
    expect(await turn.getByLabel(CHANNEL).isChecked()).toBe(true);
    await turn.getByLabel('At a time').check();
    await turn.getByLabel('Date and time').fill('2031-05-02T10:15');
    await turn.getByRole('button', { name: 'Schedule post' }).click();
    await expect.poll(() => status(page)).toContain('“Rye bread” is scheduled');
    await expect.poll(() => page.getByText('No drafts: every post has a time.').count()).toBe(1);
    const { post } = await apiGet<{
      post: {
        title: string;
        tags: string[];
        scheduleLocal: string;
        scheduleTimeZone: string;
        channels: { body: string | null }[];
        deliveries: { queued: boolean }[];
      };
    }>(`${ws}/posts/${draftId}`);
    const { workspaces } = await apiGet<{ workspaces: { timezone: string }[] }>('/api/v1/workspaces');
    expect(post).toMatchObject({
      title: 'Rye bread',
      tags: ['bread', 'rye'],
      scheduleLocal: '2031-05-02T10:15',
      scheduleTimeZone: workspaces[0]!.timezone,
      channels: [{ body: 'Rye, the slow way (hook text)' }],
      deliveries: [{ queued: false }],
    });

    // The category: renamed and made evergreen for 30 days, then deleted; its queue slot stays, without it.
    const categories = page.getByRole('list', { name: 'Categories' });
    await page.getByRole('button', { name: 'Edit category Tips' }).click();
    await categories.getByLabel('Name', { exact: true }).fill('Baking tips');
    await categories.getByLabel('Evergreen').check();
    await categories.getByLabel('Repeat for (days)').fill('0');
    await categories.getByRole('button', { name: 'Save category' }).click();
    await expect
      .poll(() => categories.getByRole('alert').textContent())
      .toContain('Repeat for: give a whole number of days from 1 to 3650');
    await categories.getByLabel('Repeat for (days)').fill('30');
    await categories.getByRole('button', { name: 'Save category' }).click();
    await expect
      .poll(() => categories.getByRole('listitem', { name: 'Baking tips' }).textContent())
      .toContain('Evergreen for 30 days');
    const { categories: changed } = await apiGet<{
      categories: { id: string; name: string; evergreen: boolean; evergreenDays: number | null }[];
    }>(`${ws}/categories`);
    expect(changed).toEqual([
      expect.objectContaining({ name: 'Baking tips', evergreen: true, evergreenDays: 30 }),
    ]);
    await page.getByRole('button', { name: 'Delete category Baking tips' }).click();
    await expect.poll(() => page.getByText('No categories yet.').count()).toBe(1);
    await nav(page, 'Queues');
    await expect.poll(() => page.getByRole('listitem', { name: 'Thursday 18:30' }).count()).toBe(1);
    await page.context().close();
  });
});
