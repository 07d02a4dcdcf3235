import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM with a key id stored beside every ciphertext, so keys can be rotated: new writes use the active
 * key, old ciphertexts stay readable with the older keys until `chorus secrets rotate` re-encrypts them.
 * Ciphertext format: `v1.<keyId>.<iv b64url>.<tag b64url>.<data b64url>`.
 */
export interface SecretKey {
  id: string;
  key: Buffer;
}

export class Keyring {
  readonly active: SecretKey;
  readonly #byId: Map<string, SecretKey>;

  constructor(active: Buffer, previous: Buffer[] = []) {
    this.active = toKey(active);
    this.#byId = new Map([this.active, ...previous.map(toKey)].map((k) => [k.id, k]));
  }

  get keyIds(): string[] {
    return [...this.#byId.keys()];
  }

  /**
   * An HMAC-SHA256 signature of `message` for one purpose, with a key derived from the active key (HKDF, the
   * purpose as info): a signature made for one purpose never verifies for another.
   */
  sign(purpose: string, message: string): string {
    return signWith(this.active.key, purpose, message);
  }

  /** Whether `signature` is `sign(purpose, message)` under any configured key (so rotation keeps links valid). */
  verify(purpose: string, message: string, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    for (const k of this.#byId.values()) {
      const expected = Buffer.from(signWith(k.key, purpose, message), 'base64url');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
    }
    return false;
  }

  /** `aad` binds the ciphertext to its owner (e.g. the secret's row id), so it cannot be swapped between rows. */
  encrypt(plaintext: string, aad: string): { keyId: string; ciphertext: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [
      'v1',
      this.active.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      data.toString('base64url'),
    ];
    return { keyId: this.active.id, ciphertext: parts.join('.') };
  }

  decrypt(ciphertext: string, aad: string): string {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || data === undefined) {
      throw new Error('Unreadable secret: unknown ciphertext format.');
    }
    const key = this.#byId.get(keyId);
    if (!key) {
      throw new Error(
        `A secret is encrypted with key ${keyId}, which is not configured. Add that key to CHORUS_SECRET_KEY_PREVIOUS.`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}

function signWith(key: Buffer, purpose: string, message: string): string {
  const derived = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `chorus-signature:${purpose}`, 32));
  return createHmac('sha256', derived).update(message).digest('base64url');
}

function toKey(key: Buffer): SecretKey {
  if (key.length !== 32) throw new Error('A secret key must be 32 bytes.');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

interface KeyFile {
  active: string;
  previous: string[];
}

const KEY_FILE = 'secret-key.json';

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

/**
 * Loads the keyring: from CHORUS_SECRET_KEY (+ _PREVIOUS) when set, else from the data directory's key file,
 * generating it on first start. `onGenerated` lets the caller warn loudly that the key must be backed up.
 */
export function loadKeyring(options: {
  secretKey: string | undefined;
  previousKeys: string | undefined;
  dataDir: string;
  onGenerated?: (file: string) => void;
}): Keyring {
  const previousFromEnv = (options.previousKeys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => Buffer.from(k, 'base64'));
  if (options.secretKey) return new Keyring(Buffer.from(options.secretKey, 'base64'), previousFromEnv);
  const file = keyFilePath(options.dataDir);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeKeyFile(file, { active: randomBytes(32).toString('base64'), previous: [] });
    options.onGenerated?.(file);
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  return new Keyring(Buffer.from(parsed.active, 'base64'), [
    ...parsed.previous.map((k) => Buffer.from(k, 'base64')),
    ...previousFromEnv,
  ]);
}

/** For a data-directory key: makes a new active key, keeping the old ones for decryption. */
export function addKeyToFile(dataDir: string): Keyring {
  const file = keyFilePath(dataDir);
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const next: KeyFile = {
    active: randomBytes(32).toString('base64'),
    previous: [current.active, ...current.previous],
  };
  writeKeyFile(file, next);
  return new Keyring(
    Buffer.from(next.active, 'base64'),
    next.previous.map((k) => Buffer.from(k, 'base64')),
  );
}

/** After a complete rotation the old keys are no longer needed. */
export function dropPreviousKeysFromFile(dataDir: string): void {
  const file = keyFilePath(dataDir);
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  writeKeyFile(file, { active: current.active, previous: [] });
}

function writeKeyFile(file: string, content: KeyFile): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}
