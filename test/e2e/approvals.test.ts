import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyNetwork, type LocalAccount } from '../support/bluesky-network.js';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { startMailServer } from '../support/mail-server.js';
import { addMember } from '../support/members.js';

/**
 * Approval end to end, in real browsers against `chorus start`, a real SMTP server and a real local Bluesky
 * network. A workflow asks a manager, then a client by e-mail, to approve editors' posts. An editor composes
 * and submits a post; the manager rejects it with a note; the editor reads the note, edits and resubmits; the
 * manager approves; the client approves from the e-mailed link on a phone, without an account; the post is
 * published at its time. Another post for the same time, submitted and never approved, is held: never
 * published, its delivery paused for approval, and its author told.
 */
const OWNER = { name: 'Olive Owner', email: 'olive@example.test', password: 'a long owner password 42' };
const MANAGER = { name: 'Max Manager', email: 'max@example.test', password: 'a long manager password 42' };
const EDITOR = { name: 'Edie Editor', email: 'edie@example.test', password: 'a long editor password 42' };
const CLIENT = 'client@example.test';
const SOON = { timeout: 20_000, interval: 250 };
/** The posts are due a minute or two after they are composed; the job engine polls every 2 s. */
const AT_TIME = { timeout: 200_000, interval: 1_000 };

const pad = (n: number) => String(n).padStart(2, '0');
/** The wall-clock time the schedule field takes (the workspace is in UTC). */
const local = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

describe('a post approved by a manager and a client, and one held', () => {
  let net: Awaited<ReturnType<typeof startBlueskyNetwork>>;
  let alice: LocalAccount;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let chorus: ChorusProcess;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    net = await startBlueskyNetwork();
    alice = await net.account('alice');
    mail = await startMailServer();
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true', SMTP_URL: mail.url } });
    await setUpOwner(chorus.url, OWNER);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await mail?.close();
    await net?.close();
  }, 60_000);

  const texts = async () => (await net.listPosts(alice.did)).map((r) => (r.value as { text: string }).text);

  it('rejects, resubmits, approves in two steps, publishes; the unapproved post is held', async () => {
    // The owner connects the Bluesky account, sets up the workflow and invites a manager and an editor.
    const owner = await apiSession(chorus.url, { email: OWNER.email, password: OWNER.password });
    const me = (await (await owner('GET', '/api/v1/me')).json()) as { workspaces: { id: string }[] };
    const workspaceId = me.workspaces[0]!.id;
    const w = `/api/v1/workspaces/${workspaceId}`;
    const connected = await owner('POST', `${w}/channels`, {
      network: 'bluesky',
      credential: { service: net.pdsUrl, identifier: alice.handle, appPassword: alice.appPassword },
    });
    expect(connected.status, await connected.clone().text()).toBe(201);
    const channel = ((await connected.json()) as { channel: { id: string; name: string } }).channel;
    const workflow = await owner('POST', `${w}/approval-workflows`, {
      name: 'Manager, then client',
      requiredFor: ['editor'],
      steps: [
        { name: 'Manager', rule: 'any', approvers: [{ type: 'role', role: 'manager' }], checklist: [] },
        { name: 'Client', rule: 'any', approvers: [{ type: 'email', email: CLIENT }], checklist: [] },
      ],
    });
    expect(workflow.status, await workflow.clone().text()).toBe(201);
    await addMember(chorus.url, owner, workspaceId, MANAGER, 'manager', mail);
    await addMember(chorus.url, owner, workspaceId, EDITOR, 'editor', mail);
    const editorApi = await apiSession(chorus.url, { email: EDITOR.email, password: EDITOR.password });
    const { page: editor } = await logIn(browser, chorus.url, EDITOR);
    const { page: manager } = await logIn(browser, chorus.url, MANAGER);

    // Both posts are due at the same minute, a minute or two from now.
    const at = new Date(Math.ceil((Date.now() + 75_000) / 60_000) * 60_000);
    const heldText = 'Secret autumn menu, not for today';
    const created = await editorApi('POST', `${w}/posts`, {
      body: heldText,
      channels: [{ channelId: channel.id }],
      schedule: { at: at.toISOString() },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const heldId = ((await created.json()) as { post: { id: string } }).post.id;
    const heldSubmit = await editorApi('POST', `${w}/posts/${heldId}/approval/submit`, {});
    expect(heldSubmit.status, await heldSubmit.clone().text()).toBe(201);

    // The editor composes the other one in the browser and submits it for approval as it is saved.
    await editor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compose' }).click();
    await editor.getByLabel('Post text').fill('Spring menu is here, at the harbour');
    await editor.getByLabel(channel.name, { exact: true }).check();
    await editor.getByLabel('At a time').check();
    await editor.getByLabel('Date and time').fill(local(at));
    expect(await editor.getByLabel('Submit it for approval when it is saved').isChecked()).toBe(true);
    await editor.getByLabel('Note for the approvers (optional)').fill('New menu for the spring launch');
    await editor.getByRole('button', { name: 'Schedule post' }).click();
    await expect.poll(() => editor.url(), SOON).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    const postId = /\/posts\/([0-9a-f-]{36})$/.exec(editor.url())![1]!;
    const panel = editor.getByRole('region', { name: 'Approval', exact: true });
    await expect.poll(() => panel.textContent(), SOON).toContain('Waiting for approval');
    expect(await panel.textContent()).toContain('Step 1 of 2: Manager');

    // The manager rejects it from the queue, with a note.
    await manager.goto(`${chorus.url}/w/${workspaceId}/approvals`);
    const queue = manager.getByRole('list', { name: 'Waiting for me' });
    const item = queue.locator('li.approval-card').filter({ hasText: 'Spring menu' });
    await expect.poll(() => item.count(), SOON).toBe(1);
    expect(await item.textContent()).toContain('New menu for the spring launch');
    const note = 'Say which harbour: we have two shops';
    await item.getByLabel('Note', { exact: true }).fill(note);
    await item.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => item.count(), SOON).toBe(0);

    // The editor sees the note, edits the text and resubmits.
    await editor.reload();
    await expect.poll(() => panel.textContent(), SOON).toContain(note);
    expect(await panel.textContent()).toContain('Rejected');
    await editor.getByRole('button', { name: 'Edit', exact: true }).click();
    const edited = 'Spring menu is here, at the old harbour shop';
    await editor.getByLabel('Post text').fill(edited);
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => editor.getByRole('button', { name: 'Save changes' }).count(), SOON).toBe(0);
    await panel.getByRole('button', { name: 'Resubmit' }).click();
    await expect.poll(() => panel.textContent(), SOON).toContain('Waiting for approval');

    // The manager sees what changed and approves: step 1 of 2.
    await manager.reload();
    await expect.poll(() => item.count(), SOON).toBe(1);
    await expect.poll(() => item.textContent(), SOON).toContain('What changed');
    expect(await item.textContent()).toContain(edited);
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => item.count(), SOON).toBe(0);

    // The client's step starts: the link arrives by e-mail and opens on a phone, without an account.
    const letter = await mail.waitFor((m) => m.to.includes(CLIENT));
    const link = /(http:\/\/\S+\/approve\/[^\s"<>]+)/.exec(letter.text)?.[1];
    expect(link, letter.text).toBeTruthy();
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await phone.goto(link!);
    await expect
      .poll(() => phone.getByRole('heading', { level: 1 }).textContent(), SOON)
      .toContain('approval');
    expect(await phone.textContent('body')).toContain(edited);
    expect(await phone.getByRole('navigation').count()).toBe(0);
    // Made for the phone: nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => phone.textContent('body'), SOON).toContain('Thank you');
    const approval = (await (await editorApi('GET', `${w}/posts/${postId}/approval`)).json()) as {
      state: string;
    };
    expect(approval.state).toBe('approved');
    // Used up, the link says so on a page of its own; a damaged one too. Both say what to do.
    await phone.goto(link!);
    await expect
      .poll(() => phone.getByRole('heading', { level: 1 }).textContent(), SOON)
      .toBe('Everything here is already decided');
    await phone.goto(`${link!.slice(0, -4)}AAAA`);
    await expect
      .poll(() => phone.getByRole('heading', { level: 1 }).textContent(), SOON)
      .toBe('This link does not work');
    expect(await phone.textContent('body')).toContain('ask the sender for a new link');

    // At its time the approved post is published; the other one is held and never sent.
    await expect.poll(texts, AT_TIME).toContain(edited);
    await expect
      .poll(async () => {
        const res = await editorApi('GET', `${w}/posts/${heldId}`);
        const { post } = (await res.json()) as {
          post: { deliveries: { state: string; reason: string | null }[] };
        };
        return post.deliveries[0];
      }, SOON)
      .toMatchObject({ state: 'paused', reason: expect.stringMatching(/approv/i) });
    // On time: not before its time (the engine sends at the due minute, not when the last approval came).
    const sent = (await (await editorApi('GET', `${w}/posts/${postId}`)).json()) as {
      post: { deliveries: { state: string; publishedAt: string | null }[] };
    };
    expect(sent.post.deliveries[0]!.state).toBe('published');
    expect(new Date(sent.post.deliveries[0]!.publishedAt!).getTime()).toBeGreaterThanOrEqual(at.getTime());
    const published = await texts();
    expect(published).not.toContain(heldText);
    expect(published).not.toContain('Spring menu is here, at the harbour');
    expect(published.filter((text) => text === edited)).toHaveLength(1);
    const notifications = (await (
      await editorApi('GET', `/api/v1/notifications?workspaceId=${workspaceId}`)
    ).json()) as { notifications: { type: string; subjectId: string | null; link: string }[] };
    const held = notifications.notifications.filter((n) => n.type === 'approval.held');
    expect(held.length, JSON.stringify(notifications.notifications)).toBeGreaterThan(0);
    expect(held.some((n) => n.subjectId === heldId || n.link.includes(heldId))).toBe(true);
    // The published post is not held: no such notification about it.
    expect(held.some((n) => n.subjectId === postId || n.link.includes(postId))).toBe(false);
    await phone.context().close();
    await editor.context().close();
    await manager.context().close();
  }, 300_000);
});
