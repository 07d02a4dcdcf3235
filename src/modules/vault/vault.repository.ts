import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface StoredSecret {
  id: string;
  workspaceId: string | null;
  purpose: string;
  keyId: string;
  ciphertext: string;
}

export class VaultRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(secret: StoredSecret): Promise<void> {
    await this.db
      .insertInto('vault_secrets')
      .values({
        id: secret.id,
        workspace_id: secret.workspaceId,
        purpose: secret.purpose,
        key_id: secret.keyId,
        ciphertext: secret.ciphertext,
        updated_at: new Date(),
      })
      .execute();
  }

  async find(id: string): Promise<StoredSecret | undefined> {
    const row = await this.db.selectFrom('vault_secrets').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSecret(row);
  }

  async update(id: string, keyId: string, ciphertext: string, expectedKeyId?: string): Promise<boolean> {
    let query = this.db
      .updateTable('vault_secrets')
      .set({ key_id: keyId, ciphertext, updated_at: new Date() })
      .where('id', '=', id);
    if (expectedKeyId) query = query.where('key_id', '=', expectedKeyId);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('vault_secrets').where('id', '=', id).execute();
  }

  /** A page of secrets not yet under `keyId`, for rotation. */
  async listNotUnderKey(keyId: string, limit: number): Promise<StoredSecret[]> {
    const rows = await this.db
      .selectFrom('vault_secrets')
      .selectAll()
      .where('key_id', '<>', keyId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toSecret);
  }

  async countByKey(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('vault_secrets')
      .select(['key_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('key_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.key_id, Number(r.n)]));
  }
}

function toSecret(row: {
  id: string;
  workspace_id: string | null;
  purpose: string;
  key_id: string;
  ciphertext: string;
}): StoredSecret {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    purpose: row.purpose,
    keyId: row.key_id,
    ciphertext: row.ciphertext,
  };
}
