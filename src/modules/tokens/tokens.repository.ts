import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  workspaceIds: string[];
  permissions: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = [
  'id',
  'user_id',
  'name',
  'prefix',
  'workspace_ids',
  'permissions',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

export class TokensRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(t: {
    id: string;
    userId: string;
    name: string;
    prefix: string;
    tokenHash: string;
    workspaceIds: string[];
    permissions: string[];
    expiresAt: Date | null;
  }): Promise<ApiToken> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        user_id: t.userId,
        name: t.name,
        prefix: t.prefix,
        token_hash: t.tokenHash,
        workspace_ids: JSON.stringify(t.workspaceIds),
        permissions: JSON.stringify(t.permissions),
        expires_at: t.expiresAt,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toToken(row);
  }

  async listForUser(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(COLUMNS)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toToken);
  }

  async findLiveByHash(tokenHash: string, now: Date): Promise<ApiToken | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(COLUMNS)
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return row && toToken(row);
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  async revoke(userId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

function toToken(r: {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  workspace_ids: string[];
  permissions: string[];
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    workspaceIds: r.workspace_ids,
    permissions: r.permissions,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}
