import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startReceiver } from '../support/receiver.js';

/**
 * Comments on a post's page in a real browser: a comment on one channel's version, a reply under it, and
 * the comment deleted while its reply stays in the thread.
 */
const OWNER = { name: 'Cora Commenter', email: 'cora@example.test', password: 'a long owner password 42' };
const SOON = { timeout: 15_000, interval: 200 };

describe('comments in a real browser', () => {
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

  it('comments on a version, replies, and deletes a comment while its reply stays', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, OWNER);
    const api = await apiSession(chorus.url, { email: OWNER.email, password: OWNER.password });
    const w = `/api/v1/workspaces/${workspaceId}`;
    const channelIds: string[] = [];
    for (const name of ['Acme hook', 'Acme news']) {
      const res = await api('POST', `${w}/channels`, {
        network: 'webhook',
        name,
        credential: { url: `${receiver.url}/${channelIds.length}`, secret: 'comments-ui-signing-secret' },
      });
      channelIds.push(((await res.json()) as { channel: { id: string } }).channel.id);
    }
    const post = (await (
      await api('POST', `${w}/posts`, {
        body: 'Spring menu',
        channels: channelIds.map((channelId) => ({ channelId })),
      })
    ).json()) as { post: { id: string } };
    await page.goto(`${chorus.url}/w/${workspaceId}/posts/${post.post.id}`);

    // The post's history starts with its creation, by the owner.
    const history = page.getByRole('list', { name: 'Activity' });
    await expect.poll(() => history.textContent(), SOON).toContain('Cora Commenter Created the post');

    const form = page.getByRole('form', { name: 'Add a comment' });
    await form.getByLabel('About').selectOption({ label: 'The version for Acme news' });
    await form.getByLabel('Comment').fill('The price on this one is wrong');
    await form.getByRole('button', { name: 'Post comment' }).click();
    const thread = page.getByRole('list', { name: 'Comments' });
    await expect.poll(() => thread.textContent(), SOON).toContain('The price on this one is wrong');
    expect(await thread.textContent()).toContain('on Acme news');

    await thread.getByRole('button', { name: /^Reply/ }).click();
    const reply = page.getByRole('form', { name: 'Reply to a comment' });
    await reply.getByLabel('Comment').fill('Fixed: 12 euros');
    await reply.getByRole('button', { name: 'Post reply' }).click();
    await expect.poll(() => thread.getByRole('listitem').count(), SOON).toBe(2);

    await thread
      .getByRole('button', { name: /^Delete the comment/ })
      .first()
      .click();
    await expect.poll(() => thread.textContent(), SOON).toContain('This comment was deleted.');
    expect(await thread.textContent()).toContain('Fixed: 12 euros');
    expect(await thread.textContent()).not.toContain('The price on this one is wrong');
    await page.context().close();
  });
});
