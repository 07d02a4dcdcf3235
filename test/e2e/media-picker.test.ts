import path from 'node:path';
import { build } from 'esbuild';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startChorus, type ChorusProcess } from '../support/chorus-process.js';
import { launchBrowser, logIn, requireBrowserSetup, setUpOwner } from '../support/browser.js';
import { image } from '../support/media-files.js';

/**
 * The MediaPicker component in a real browser, on a page of its own served from the real server's origin
 * (so it uses the real API with the session): choosing from the library, per-use alt text, uploading,
 * the maximum, reordering and removing, with the keyboard.
 */
const PASSWORD = 'a long owner password 42';
const EMAIL = 'pia@example.test';
const SOON = { timeout: 15_000, interval: 150 };

describe('the media picker in a real browser', () => {
  let chorus: ChorusProcess;
  let browser: Browser;
  let script: string;

  beforeAll(async () => {
    requireBrowserSetup();
    const bundle = await build({
      entryPoints: [path.join(ROOT, 'test/e2e/fixtures/media-picker-page.tsx')],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    script = bundle.outputFiles[0]!.text;
    chorus = await startChorus();
    await setUpOwner(chorus.url, { name: 'Pia Picker', email: EMAIL, password: PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await chorus?.stop();
  });

  it('chooses, uploads, describes, orders and removes media', async () => {
    const { page, workspaceId } = await logIn(browser, chorus.url, { email: EMAIL, password: PASSWORD });
    const uploaded = await page.evaluate(
      async ({ workspaceId, bytes }) => {
        const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
        const res = await fetch(`/api/v1/workspaces/${workspaceId}/media?filename=harbour.png&alt=Boats`, {
          method: 'POST',
          headers: { 'x-csrf-token': me.csrfToken },
          body: new Uint8Array(bytes),
        });
        return ((await res.json()) as { asset: { id: string } }).asset.id;
      },
      { workspaceId, bytes: [...(await image('png', 200, 100))] },
    );
    await page.route(`${chorus.url}/picker-test`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html lang="en"><title>Picker</title><div id="root"></div><script type="module" src="/picker-test.js"></script></html>',
      }),
    );
    await page.route(`${chorus.url}/picker-test.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: script }),
    );
    await page.goto(`${chorus.url}/picker-test`);
    const picked = async () => JSON.parse((await page.locator('#picked').textContent()) ?? '[]') as unknown[];
    await expect.poll(() => page.getByText('No media chosen.').count(), SOON).toBe(1);

    // From the library, with the keyboard.
    const open = page.getByRole('button', { name: 'Choose from the library' });
    await open.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Close the library' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    const choice = page
      .getByRole('region', { name: 'Media library' })
      .getByRole('button', { name: /harbour\.png/ });
    await expect.poll(() => choice.count(), SOON).toBe(1);
    await choice.focus();
    await page.keyboard.press('Enter');
    await expect.poll(picked, SOON).toEqual([{ assetId: uploaded }]);
    expect(await choice.getAttribute('aria-pressed')).toBe('true');
    // The asset's own alt text shows until this use gets its own.
    const alt = page.getByLabel('Alt text of harbour.png in this post');
    expect(await alt.inputValue()).toBe('Boats');
    await alt.fill('Fishing boats at dawn');
    await expect.poll(picked, SOON).toEqual([{ assetId: uploaded, alt: 'Fishing boats at dawn' }]);
    expect(await page.getByRole('list', { name: 'Chosen photos' }).textContent()).toContain(
      'First item problem (shown by the test).',
    );

    // Upload a new file: it lands in the library and in the post; the maximum (2) is then reached.
    await page.getByLabel('Upload new media').setInputFiles({
      name: 'crowd.jpg',
      mimeType: 'image/jpeg',
      buffer: await image('jpeg', 150, 150),
    });
    await expect.poll(async () => (await picked()).length, SOON).toBe(2);
    await expect
      .poll(() => page.getByText('That is the most media this post can take.').count(), SOON)
      .toBe(1);
    expect(await page.getByLabel('Upload new media').isDisabled()).toBe(true);
    const [, second] = (await picked()) as { assetId: string }[];
    const crowd = await page.evaluate(
      async ({ workspaceId, id }) =>
        (
          (await (await fetch(`/api/v1/workspaces/${workspaceId}/media/${id}`)).json()) as {
            asset: { filename: string };
          }
        ).asset.filename,
      { workspaceId, id: second!.assetId },
    );
    expect(crowd).toBe('crowd.jpg');

    // Reorder and remove.
    await page.getByRole('button', { name: 'Move crowd.jpg earlier' }).click();
    await expect
      .poll(async () => ((await picked()) as { assetId: string }[]).map((u) => u.assetId), SOON)
      .toEqual([second!.assetId, uploaded]);
    await page.getByRole('button', { name: 'Remove harbour.png' }).click();
    await expect.poll(picked, SOON).toEqual([{ assetId: second!.assetId }]);
    expect(await page.getByLabel('Upload new media').isDisabled()).toBe(false);
  });
});
