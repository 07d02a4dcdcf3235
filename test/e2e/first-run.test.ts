import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { startMailServer } from '../support/mail-server.js';

/**
 * The whole onboarding in a real browser against the real server started from the CLI, with e-mail
 * delivered through a real SMTP server on loopback: first run → log out and in → a second workspace →
 * invite an analyst → the analyst accepts from the e-mailed link and sees only what the role allows.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const PASSWORD = 'a long owner password 42';

describe('onboarding in a real browser', () => {
  let chorus: ChorusProcess;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) {
      throw new Error('The web app is not built (dist/web/index.html is missing): run `npm run build`.');
    }
    if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install -y chromium');
    mail = await startMailServer();
    chorus = await startChorus({ env: { SMTP_URL: mail.url, MAIL_FROM: 'Chorus <chorus@example.test>' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
    await mail?.close();
  });

  const mainNavLinks = async (page: Page) =>
    (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).map((t) =>
      t.trim(),
    );

  it('goes from first run to a member who sees only what the role allows', async () => {
    const owner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await owner.newPage();
    await page.goto(chorus.url);
    await expect.poll(() => page.url()).toContain('/setup');
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('olivia@example.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Organization name').fill('Northwind Agency');
    await page.getByLabel('First workspace name').fill('Northwind Coffee');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.url()).toMatch(/\/w\/[0-9a-f-]{36}\//);
    const switcher = page.getByLabel('Workspace');
    await expect
      .poll(async () => (await switcher.locator('option:checked').textContent())?.trim())
      .toBe('Northwind Coffee');

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.url()).toContain('/login');
    await page.getByLabel('Email').fill('olivia@example.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.url()).toMatch(/\/w\//);
    expect(await mainNavLinks(page)).toEqual([
      'Calendar',
      'Compose',
      'Ideas',
      'Queues',
      'Approvals',
      'Media',
      'Feeds',
      'Import',
      'Inbox',
      'Listening',
      'Analytics',
      'Campaigns',
      'Settings',
    ]);

    // A second workspace for another client.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page
      .getByRole('navigation', { name: 'Settings' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    await page.getByLabel('Workspace name').fill('Harbor Bakery');
    await page.getByLabel('Time zone').fill('Europe/Lisbon');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect
      .poll(async () => (await switcher.locator('option:checked').textContent())?.trim())
      .toBe('Harbor Bakery');

    // Invite an analyst to Harbor Bakery.
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Email').fill('ana@example.test');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => page.getByText('ana@example.test').count()).toBeGreaterThan(0);
    const invitation = await mail.waitFor((m) => m.to.includes('ana@example.test'));
    const link = /(http:\/\/\S+\/invite#token=[\w-]+)/.exec(invitation.text)?.[1];
    expect(link, invitation.text).toBeTruthy();

    // The analyst, in a separate browser, on a phone-sized screen.
    const member = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const phone = await member.newPage();
    await phone.goto(link!);
    await expect.poll(() => phone.getByText('Harbor Bakery').count()).toBeGreaterThan(0);
    await phone.getByLabel('Your name').fill('Ana Analyst');
    await phone.getByLabel('Password').fill('a long analyst password 7');
    await phone.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => phone.url()).toMatch(/\/w\//);

    expect(await mainNavLinks(phone)).toEqual([
      'Calendar',
      'Ideas',
      'Queues',
      'Approvals',
      'Media',
      'Listening',
      'Analytics',
      'Campaigns',
      'Settings',
    ]);
    const options = (await phone.getByLabel('Workspace').locator('option').allTextContents()).map((t) =>
      t.trim(),
    );
    expect(options).toEqual(['Harbor Bakery']);
    for (const name of ['Calendar', 'Settings']) {
      await expect
        .poll(() => phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).isVisible())
        .toBe(true);
    }
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);

    await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const settingsLinks = (
      await phone.getByRole('navigation', { name: 'Settings' }).getByRole('link').allTextContents()
    ).map((t) => t.trim());
    expect(settingsLinks).toContain('Members');
    expect(settingsLinks).not.toContain('Audit log');
    await phone.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
    await expect.poll(() => phone.getByText('Olivia Owner').count()).toBeGreaterThan(0);
    expect(await phone.getByRole('button', { name: 'Send invitation' }).count()).toBe(0);

    // What the interface hides, the API refuses.
    const workspaceId = /\/w\/([0-9a-f-]{36})\//.exec(phone.url())![1];
    const audit = await phone.evaluate(
      async (id) => (await fetch(`/api/v1/workspaces/${id}/audit-events`)).status,
      workspaceId,
    );
    expect(audit).toBe(403);

    // The owner sees the analyst join in the audit log.
    await page.reload();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
    await expect.poll(() => page.getByText('member.joined').count()).toBeGreaterThan(0);
    await owner.close();
    await member.close();
  });
});
