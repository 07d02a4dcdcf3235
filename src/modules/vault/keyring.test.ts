import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, addKeyToFile, loadKeyring } from './keyring.js';

describe('keyring', () => {
  it('round-trips, stores the key id beside the ciphertext and never the plaintext', () => {
    const k = new Keyring(randomBytes(32));
    const { keyId, ciphertext } = k.encrypt('app-password-xyz', 'row-1');
    expect(ciphertext.split('.')[1]).toBe(keyId);
    expect(ciphertext).not.toContain('app-password');
    expect(k.decrypt(ciphertext, 'row-1')).toBe('app-password-xyz');
    expect(k.encrypt('same', 'r').ciphertext).not.toBe(k.encrypt('same', 'r').ciphertext);
  });

  it('refuses tampered data and ciphertexts moved to another owner', () => {
    const k = new Keyring(randomBytes(32));
    const { ciphertext } = k.encrypt('secret', 'row-1');
    expect(() => k.decrypt(ciphertext, 'row-2')).toThrow();
    const parts = ciphertext.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => k.decrypt(parts.join('.'), 'row-1')).toThrow();
  });

  it('reads old ciphertexts with previous keys and names a missing key', () => {
    const old = randomBytes(32);
    const c = new Keyring(old).encrypt('v', 'a').ciphertext;
    expect(new Keyring(randomBytes(32), [old]).decrypt(c, 'a')).toBe('v');
    expect(() => new Keyring(randomBytes(32)).decrypt(c, 'a')).toThrow(/CHORUS_SECRET_KEY_PREVIOUS/);
  });

  it('generates a private key file on first start, once, and rotates it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyring-'));
    let generated = 0;
    const a = loadKeyring({
      secretKey: undefined,
      previousKeys: undefined,
      dataDir: dir,
      onGenerated: () => generated++,
    });
    const b = loadKeyring({
      secretKey: undefined,
      previousKeys: undefined,
      dataDir: dir,
      onGenerated: () => generated++,
    });
    expect(generated).toBe(1);
    expect(b.active.id).toBe(a.active.id);
    expect(statSync(path.join(dir, 'secret-key.json')).mode & 0o777).toBe(0o600);
    const rotated = addKeyToFile(dir);
    expect(rotated.active.id).not.toBe(a.active.id);
    expect(rotated.keyIds).toContain(a.active.id);
    expect(JSON.parse(readFileSync(path.join(dir, 'secret-key.json'), 'utf8')).previous).toHaveLength(1);
  });

  it('signs for one purpose only, verifies across rotation, and refuses altered messages or signatures', () => {
    const oldKey = randomBytes(32);
    const before = new Keyring(oldKey);
    const sig = before.sign('approval-link.v1', 'abc.123');
    expect(before.verify('approval-link.v1', 'abc.123', sig)).toBe(true);
    expect(before.verify('approval-link.v1', 'abc.124', sig)).toBe(false);
    expect(before.verify('invitation', 'abc.123', sig)).toBe(false);
    expect(before.verify('approval-link.v1', 'abc.123', `${sig.slice(0, -1)}A`)).toBe(sig.endsWith('A'));
    expect(before.verify('approval-link.v1', 'abc.123', '')).toBe(false);
    const rotated = new Keyring(randomBytes(32), [oldKey]);
    expect(rotated.verify('approval-link.v1', 'abc.123', sig)).toBe(true);
    expect(rotated.sign('approval-link.v1', 'abc.123')).not.toBe(sig);
    expect(new Keyring(randomBytes(32)).verify('approval-link.v1', 'abc.123', sig)).toBe(false);
  });
});
