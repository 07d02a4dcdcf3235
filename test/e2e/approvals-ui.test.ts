import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { apiSession, launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import type { SessionApi } from '../support/browser.js';
import { startMailServer } from '../support/mail-server.js';
import { addMember } from '../support/members.js';
import { startReceiver } from '../support/receiver.js';

/**
 * The approvals screens in a real browser: the queue (approving needs every checklist item ticked,
 * rejecting needs a note) and the workflow editor (a two-step workflow; the server's refusal shown at the
 * step it is about), and links for clients (sent for several posts from the queue, revoked from a post's page).
 */
const OWNER = { name: 'Olga Owner', email: 'olga@example.test', password: 'a long owner password 42' };
const EDITOR = { name: 'Ed Writer', email: 'ed@example.test', password: 'a long editor password 42' };
const SOON = { timeout: 15_000, interval: 200 };
const CHECKLIST = ['Prices checked', 'Legal line present'];

describe('approvals screens in a real browser', () => {
  let chorus: ChorusProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let browser: Browser;
  let owner: SessionApi;
  let editor: SessionApi;
  let page: Page | undefined;
  let workspaceId: string;
  let channelId: string;
  const w = () => `/api/v1/workspaces/${workspaceId}`;

  beforeAll(async () => {
    requireBrowserSetup();
    receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    mail = await startMailServer();
    chorus = await startChorus({ env: { EGRESS_ALLOW_PRIVATE: 'true', SMTP_URL: mail.url } });
    await setUpOwner(chorus.url, OWNER);
    browser = await launchBrowser();
    owner = await apiSession(chorus.url, { email: OWNER.email, password: OWNER.password });
    const me = (await (await owner('GET', '/api/v1/me')).json()) as { workspaces: { id: string }[] };
    workspaceId = me.workspaces[0]!.id;
    await addMember(chorus.url, owner, workspaceId, EDITOR, 'editor', mail);
    editor = await apiSession(chorus.url, { email: EDITOR.email, password: EDITOR.password });
    const res = await owner('POST', `${w()}/channels`, {
      network: 'webhook',
      name: 'Acme hook',
      credential: { url: `${receiver.url}/hook`, secret: 'approvals-ui-signing-secret' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    channelId = ((await res.json()) as { channel: { id: string } }).channel.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await receiver?.close();
    await mail?.close();
  });

  /** A post by the editor, for tomorrow, submitted for approval; returns its id. */
  async function submittedPost(body: string): Promise<string> {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const created = await editor('POST', `${w()}/posts`, {
      body,
      channels: [{ channelId }],
      schedule: { at },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const postId = ((await created.json()) as { post: { id: string } }).post.id;
    const submitted = await editor('POST', `${w()}/posts/${postId}/approval/submit`, {});
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    return postId;
  }

  /** The owner's browser page, logged in once (logging in polls, which only a test may do). */
  async function ownerPage(): Promise<Page> {
    page ??= (await logIn(browser, chorus.url, OWNER)).page;
    return page;
  }

  const approvalOf = async (postId: string) =>
    (await (await editor('GET', `${w()}/posts/${postId}/approval`)).json()) as {
      state: string;
      request: { decisions: { decision: string; note: string | null; checklist: string[] }[] } | null;
    };

  it('approves from the queue once the checklist is ticked, and rejects with a note', async () => {
    const workflow = await owner('POST', `${w()}/approval-workflows`, {
      name: 'Brand check',
      requiredFor: ['editor'],
      steps: [
        { name: 'Brand', rule: 'any', approvers: [{ type: 'role', role: 'owner' }], checklist: CHECKLIST },
      ],
    });
    expect(workflow.status, await workflow.clone().text()).toBe(201);
    const workflowId = ((await workflow.json()) as { workflow: { id: string } }).workflow.id;
    const spring = await submittedPost('Spring menu: twelve new dishes');
    const autumn = await submittedPost('Autumn menu, a first look');
    const page = await ownerPage();

    await page.goto(`${chorus.url}/w/${workspaceId}/calendar`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // Two posts wait for the owner: the menu says so.
    await expect.poll(() => nav.getByRole('link', { name: /^Approvals/ }).textContent(), SOON).toContain('2');
    await nav.getByRole('link', { name: /^Approvals/ }).click();
    const queue = page.getByRole('list', { name: 'Waiting for me' });
    await expect
      .poll(() => queue.getByRole('listitem').filter({ hasText: 'Spring menu' }).count(), SOON)
      .toBe(1);

    const item = queue.locator('li.approval-card').filter({ hasText: 'Spring menu' });
    expect(await item.textContent()).toContain('Ed Writer');
    expect(await item.textContent()).toContain('Acme hook');
    const approve = item.getByRole('button', { name: 'Approve' });
    expect(await approve.getAttribute('aria-disabled')).toBe('true');
    expect(await item.textContent()).toContain('Tick every checklist item to approve.');
    // Trying anyway says why, and nothing is sent.
    // (Playwright would wait for an aria-disabled button to be enabled: click it as a person can.)
    await approve.click({ force: true });
    await expect.poll(() => item.getByRole('alert').textContent(), SOON).toContain('2 left');
    expect((await approvalOf(spring)).state).toBe('pending');

    await item.getByLabel(CHECKLIST[0]!).check();
    expect(await approve.getAttribute('aria-disabled')).toBe('true');
    await item.getByLabel(CHECKLIST[1]!).check();
    expect(await approve.getAttribute('aria-disabled')).toBeNull();
    await approve.click();
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SOON)
      .toContain('Approved “Spring menu: twelve new dishes”');
    await expect
      .poll(() => queue.locator('li.approval-card').filter({ hasText: 'Spring menu' }).count(), SOON)
      .toBe(0);
    const approved = await approvalOf(spring);
    expect(approved.state).toBe('approved');
    expect(approved.request?.decisions[0]?.checklist).toEqual(CHECKLIST);

    // Rejecting needs a note.
    const other = queue.locator('li.approval-card').filter({ hasText: 'Autumn menu' });
    await other.getByRole('button', { name: 'Reject' }).click({ force: true });
    await expect.poll(() => other.getByRole('alert').textContent(), SOON).toContain('Write a note');
    expect((await approvalOf(autumn)).state).toBe('pending');
    await other.getByLabel('Note', { exact: true }).fill('Too early: we announce autumn in August');
    await other.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => queue.locator('li.approval-card').count(), SOON).toBe(0);
    // Nothing waits any more: the menu's count is gone.
    await expect
      .poll(async () => (await nav.getByRole('link', { name: /^Approvals/ }).textContent())?.trim(), SOON)
      .toBe('Approvals');
    const rejected = await approvalOf(autumn);
    expect(rejected.state).toBe('rejected');
    expect(rejected.request?.decisions[0]).toMatchObject({
      decision: 'rejected',
      note: 'Too early: we announce autumn in August',
    });

    // The editor's own tab lists both, with the decision.
    const submitted = await (await editor('GET', `${w()}/approval-requests?view=submitted`)).json();
    expect((submitted as { requests: unknown[] }).requests).toHaveLength(2);
    expect((await owner('DELETE', `${w()}/approval-workflows/${workflowId}`)).status).toBe(204);
  }, 120_000);

  it('creates a two-step workflow, showing the server’s refusal at the step it is about', async () => {
    const page = await ownerPage();
    await page.goto(`${chorus.url}/w/${workspaceId}/settings`);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('button', { name: 'New workflow' }).click();
    const form = page.getByRole('form', { name: 'New workflow' });
    await form.getByLabel('Workflow name').fill('Client sign-off');
    expect(await form.getByLabel('Editor', { exact: true }).isChecked()).toBe(true);

    const step1 = form.getByRole('listitem', { name: 'Step 1', exact: true });
    await step1.getByLabel('Step 1 name').fill('Manager');
    await step1.getByLabel('Every manager').check();
    await step1.getByLabel('Step 1 checklist').fill('Tone of voice\nNo typos');
    await form.getByRole('button', { name: 'Add a step' }).click();
    const step2 = form.getByRole('listitem', { name: 'Step 2', exact: true });
    await step2.getByLabel('Step 2 name').fill('Client');
    await step2.getByLabel('Step 2 e-mail addresses').fill('client at example');
    await form.getByRole('button', { name: 'Create workflow' }).click();

    // The refusal appears in step 2, and nowhere else.
    await expect.poll(() => step2.locator('.field-issues').count(), SOON).toBe(1);
    expect(await step1.locator('.field-issues').count()).toBe(0);
    expect((await step2.locator('.field-issues').textContent())?.length).toBeGreaterThan(0);
    const none = (await (await owner('GET', `${w()}/approval-workflows`)).json()) as {
      workflows: { name: string }[];
    };
    expect(none.workflows.map((workflow) => workflow.name)).not.toContain('Client sign-off');

    await step2.getByLabel('Step 2 e-mail addresses').fill('client@example.test');
    await form.getByRole('button', { name: 'Create workflow' }).click();
    const list = page.getByRole('list', { name: 'Workflows' });
    await expect.poll(() => list.textContent(), SOON).toContain('Client sign-off');
    expect(await list.textContent()).toContain('1. Manager → 2. Client');

    const saved = (await (await owner('GET', `${w()}/approval-workflows`)).json()) as {
      workflows: {
        name: string;
        requiredFor: string[];
        steps: { name: string; approvers: unknown[]; checklist: string[] }[];
      }[];
    };
    expect(saved.workflows.find((workflow) => workflow.name === 'Client sign-off')).toMatchObject({
      name: 'Client sign-off',
      requiredFor: ['editor'],
      steps: [
        {
          name: 'Manager',
          approvers: [{ type: 'role', role: 'manager' }],
          checklist: ['Tone of voice', 'No typos'],
        },
        { name: 'Client', approvers: [{ type: 'email', email: 'client@example.test' }], checklist: [] },
      ],
    });
  }, 120_000);

  it('sends several posts to a client from the queue, and revokes the link from a post’s page', async () => {
    // The built-in workflow applies (the owner approves): the one made above asks a manager, and there is none.
    const { workflows } = (await (await owner('GET', `${w()}/approval-workflows`)).json()) as {
      workflows: { id: string }[];
    };
    for (const workflow of workflows) {
      expect((await owner('DELETE', `${w()}/approval-workflows/${workflow.id}`)).status).toBe(204);
    }
    const page = await ownerPage();
    const first = await submittedPost('Harbour brunch, every Sunday');
    await submittedPost('Harbour dinner, Fridays only');
    await page.goto(`${chorus.url}/w/${workspaceId}/approvals`);
    const queue = page.getByRole('list', { name: 'Waiting for me' });
    await expect
      .poll(() => queue.locator('li.approval-card').filter({ hasText: 'Harbour' }).count(), SOON)
      .toBe(2);
    await page.getByLabel('Select “Harbour brunch, every Sunday”').check();
    await page.getByLabel('Select “Harbour dinner, Fridays only”').check();
    await page.getByRole('button', { name: 'Send to a client for approval' }).click();
    const form = page.getByRole('form', { name: 'Send to a client' });
    await form.getByLabel('Client’s e-mail').fill('buyer@example.test');
    await form.getByLabel('Link expires after (days)').fill('3');
    await form.getByRole('button', { name: 'Send link' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SOON)
      .toContain('e-mailed to buyer@example.test');
    const letter = await mail.waitFor((m) => m.to.includes('buyer@example.test'));
    expect(letter.text).toContain('Harbour brunch');
    expect(letter.text).toContain('Harbour dinner');
    const link = /(http:\/\/\S+\/approve\/[^\s"<>]+)/.exec(letter.text)?.[1];
    expect(link, letter.text).toBeTruthy();

    // The post's page lists the link; revoking it turns the client's page into an explanation.
    await page.goto(`${chorus.url}/w/${workspaceId}/posts/${first}`);
    const links = page.getByRole('list', { name: 'Sent links' });
    await expect.poll(() => links.textContent(), SOON).toContain('buyer@example.test');
    await links.getByRole('button', { name: 'Revoke the link sent to buyer@example.test' }).click();
    await expect.poll(() => links.textContent(), SOON).toContain('Revoked');
    const client = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await client.goto(link!);
    await expect
      .poll(() => client.getByRole('heading', { level: 1 }).textContent(), SOON)
      .toBe('This link was withdrawn');
    expect(await client.textContent('body')).toContain('ask the sender for a new link');
    await client.context().close();
  }, 120_000);

  it('lets an editor save without submitting, then submit from the post page; a draft and idea stay out', async () => {
    const { page: ed } = await logIn(browser, chorus.url, EDITOR);
    await ed.goto(`${chorus.url}/w/${workspaceId}/compose`);
    await ed.getByLabel('Post text').fill('Later: the winter menu');
    await ed.getByLabel('Acme hook', { exact: true }).check();
    await ed.getByLabel('Save as draft').check();
    const box = ed.getByLabel('Submit it for approval when it is saved');
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    expect(await ed.getByLabel('Note for the approvers (optional)').count()).toBe(0);
    await ed.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => ed.url(), SOON).toMatch(/\/posts\/[0-9a-f-]{36}$/);
    const postId = /\/posts\/([0-9a-f-]{36})$/.exec(ed.url())![1]!;
    const panel = ed.getByRole('region', { name: 'Approval', exact: true });
    await expect.poll(() => panel.textContent(), SOON).toContain('Needs approval');
    await panel.getByLabel('Note for the approvers (optional)').fill('Ready when you are');
    await panel.getByRole('button', { name: 'Submit for approval' }).click();
    await expect.poll(() => panel.textContent(), SOON).toContain('Waiting for approval');
    const approval = (await (await editor('GET', `${w()}/posts/${postId}/approval`)).json()) as {
      state: string;
      request: { note: string | null };
    };
    expect(approval).toMatchObject({ state: 'pending', request: { note: 'Ready when you are' } });
    // An idea is not a post yet: nothing to submit.
    await ed.goto(`${chorus.url}/w/${workspaceId}/compose`);
    await ed.getByLabel('Save as idea').check();
    expect(await ed.getByLabel('Submit it for approval when it is saved').count()).toBe(0);
    await ed.context().close();
  }, 120_000);
});
