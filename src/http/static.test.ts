import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from './static.js';

describe('static files of the web app', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'static-'));
  const root = path.join(base, 'web');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<html></html>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'x');
  writeFileSync(path.join(base, 'secret.txt'), 'do not serve');

  it('serves files with a type, assets as immutable', async () => {
    expect((await readStaticFile(root, '/index.html'))?.type).toMatch(/text\/html/);
    expect((await readStaticFile(root, '/assets/app.js'))?.immutable).toBe(true);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00index.html',
    '/%E0%A4%A',
  ])('never escapes the root: %s', async (p) => {
    const file = await readStaticFile(root, p);
    expect(file?.body.toString()).not.toBe('do not serve');
  });
});
