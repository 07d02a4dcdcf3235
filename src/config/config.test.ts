import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS, ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has working defaults: embedded database in ./.chorus, port 8080', () => {
    const c = loadConfig({}, '/srv/chorus');
    expect(c.PORT).toBe(8080);
    expect(c.dataDir).toBe('/srv/chorus/.chorus');
    expect(c.database).toEqual({ kind: 'pglite', dir: '/srv/chorus/.chorus/db' });
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.cookieSecure).toBe(false);
  });

  it('switches to PostgreSQL with DATABASE_URL and then requires a shared secret key', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/chorus' })).toThrow(/CHORUS_SECRET_KEY: required/);
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({
      DATABASE_URL: 'postgres://db/chorus',
      CHORUS_SECRET_KEY: key,
      PUBLIC_URL: 'https://social.example.com/',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://db/chorus' });
    expect(c.publicUrl).toBe('https://social.example.com');
    expect(c.cookieSecure).toBe(true);
  });

  it('lists every problem at once, each with the variable and the reason', () => {
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', CHORUS_SECRET_KEY: 'short', CHORUS_DATADIR: '/x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT="abc": /m);
      expect(problems).toMatch(/^LOG_LEVEL="loud": /m);
      expect(problems).toMatch(/CHORUS_SECRET_KEY=.*32 random bytes/);
      expect(problems).toMatch(/CHORUS_DATADIR: unknown setting/);
    }
  });

  it('parses booleans strictly: the string "false" never enables anything', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ COOKIE_SECURE: 'false', PUBLIC_URL: 'https://x.example' }).cookieSecure).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(ConfigError);
  });

  it('needs a bucket for the S3 media store, both S3 keys or neither, and never echoes the secret key', () => {
    expect(loadConfig({}).MEDIA_STORE).toBe('file');
    try {
      loadConfig({
        MEDIA_STORE: 's3',
        S3_SECRET_ACCESS_KEY: 'very-secret-key-value',
        S3_FORCE_PATH_STYLE: 'maybe',
      });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^S3_FORCE_PATH_STYLE="maybe": /m);
      expect(problems).not.toContain('very-secret-key-value');
    }
    try {
      loadConfig({ MEDIA_STORE: 's3', S3_SECRET_ACCESS_KEY: 'very-secret-key-value' });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^S3_BUCKET: required when MEDIA_STORE=s3/m);
      expect(problems).toMatch(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both, or neither/);
      expect(problems).not.toContain('very-secret-key-value');
    }
    const s3 = loadConfig({
      MEDIA_STORE: 's3',
      S3_BUCKET: 'media',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'key',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect([s3.S3_REGION, s3.S3_FORCE_PATH_STYLE, s3.MEDIA_MAX_BYTES]).toEqual([
      'us-east-1',
      true,
      104857600,
    ]);
  });

  it('documents every variable in the README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const key of Object.keys(CONFIG_DOCS)) expect(readme, key).toContain(`| \`${key}\``);
  });
});
