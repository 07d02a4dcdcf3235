import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorus, type ChorusProcess } from '../support/chorus-process.js';
import {
  apiSession,
  launchBrowser,
  logIn,
  requireBrowserSetup,
  setUpOwner,
  type SessionApi,
} from '../support/browser.js';

/**
 * The notification settings page in a real browser against the real server (started without a mail
 * server): reached from the bell, a change is saved, kept after a reload, and is what the API answers.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'pia@example.test';
/** Each step waits on a request to the server, which is slow while other test files run. */
const SOON = { timeout: 10_000, interval: 100 };

describe('notification settings in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let api: SessionApi;

  beforeAll(async () => {
    requireBrowserSetup();
    chorus = await startChorus();
    await setUpOwner(chorus.url, { name: 'Pia Owner', email: EMAIL, password: PASSWORD });
    api = await apiSession(chorus.url, { email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
  });

  it('opens from the bell, saves a change, and keeps it after a reload', async () => {
    const { page } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByRole('link', { name: 'Notification settings' }).click();
    await expect.poll(() => page.url(), SOON).toBe(`${chorus.url}/settings/notifications`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Notification settings', level: 1 }).isVisible(), SOON)
      .toBe(true);
    // This server has no mail server: the page says so.
    expect(await page.getByRole('note').textContent()).toMatch(/E-mail is not set up on this server/);

    const failedEmail = page.getByRole('combobox', { name: 'A post could not be published: by e-mail' });
    const mentionedInApp = page.getByRole('checkbox', {
      name: 'You were mentioned in a comment: in the app',
    });
    expect(await failedEmail.inputValue()).toBe('instant');
    expect(await mentionedInApp.isChecked()).toBe(true);
    await failedEmail.selectOption({ label: 'In the daily digest' });
    await mentionedInApp.uncheck();
    await page.getByLabel('Digest time').selectOption({ label: '18:00' });
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), SOON)
      .toBe('Notification settings saved.');

    await page.reload();
    await expect.poll(() => failedEmail.inputValue(), SOON).toBe('digest');
    expect(await mentionedInApp.isChecked()).toBe(false);
    expect(await page.getByLabel('Digest time').inputValue()).toBe('18');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');

    const saved = (await (await api('GET', '/api/v1/me/notification-preferences')).json()) as {
      types: { type: string; inApp: boolean; email: string }[];
      digest: { hour: number; timeZone: string };
      emailConfigured: boolean;
    };
    expect(saved.emailConfigured).toBe(false);
    expect(saved.digest).toEqual({ hour: 18, timeZone: 'America/New_York' });
    expect(saved.types.find((t) => t.type === 'delivery.failed')).toMatchObject({ email: 'digest' });
    expect(saved.types.find((t) => t.type === 'post.mentioned')).toMatchObject({ inApp: false });
  });
});
