import { newId } from '../../core/ids.js';
import type { Keyring } from './keyring.js';
import type { VaultRepository } from './vault.repository.js';

/**
 * Stores and reads secrets. Other modules keep only the secret's id; the plaintext exists in memory only
 * while it is being used and is never part of a DTO.
 */
export class VaultService {
  constructor(
    private readonly repo: VaultRepository,
    private readonly keyring: Keyring,
  ) {}

  async store(input: { workspaceId: string | null; purpose: string; plaintext: string }): Promise<string> {
    const id = newId();
    const { keyId, ciphertext } = this.keyring.encrypt(input.plaintext, aadFor(id, input.purpose));
    await this.repo.insert({ id, workspaceId: input.workspaceId, purpose: input.purpose, keyId, ciphertext });
    return id;
  }

  async reveal(id: string): Promise<string | undefined> {
    const secret = await this.repo.find(id);
    return secret && this.keyring.decrypt(secret.ciphertext, aadFor(secret.id, secret.purpose));
  }

  async replace(id: string, plaintext: string): Promise<void> {
    const secret = await this.repo.find(id);
    if (!secret) throw new Error(`Secret ${id} does not exist.`);
    const { keyId, ciphertext } = this.keyring.encrypt(plaintext, aadFor(id, secret.purpose));
    await this.repo.update(id, keyId, ciphertext);
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete(id);
  }

  /**
   * Re-encrypts every secret not under the active key. Each row is updated only if its key id is still the
   * one we read, so a concurrent write is never overwritten with stale plaintext. Safe to re-run.
   */
  async rotate(batchSize = 200): Promise<{ reencrypted: number }> {
    let reencrypted = 0;
    for (;;) {
      const batch = await this.repo.listNotUnderKey(this.keyring.active.id, batchSize);
      if (batch.length === 0) return { reencrypted };
      for (const secret of batch) {
        const plaintext = this.keyring.decrypt(secret.ciphertext, aadFor(secret.id, secret.purpose));
        const next = this.keyring.encrypt(plaintext, aadFor(secret.id, secret.purpose));
        if (await this.repo.update(secret.id, next.keyId, next.ciphertext, secret.keyId)) reencrypted += 1;
      }
    }
  }
}

function aadFor(id: string, purpose: string): string {
  return `chorus:${purpose}:${id}`;
}
