import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export type ChannelStatus = 'connected' | 'needs_reconnect' | 'disconnected';

export interface Channel {
  id: string;
  workspaceId: string;
  network: string;
  name: string;
  account: string | null;
  credentialSecretId: string | null;
  sessionSecretId: string | null;
  status: ChannelStatus;
  tokenExpiresAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastCheckedAt: Date | null;
  /** The request budget the network last reported, if it reports one. */
  quota: { remaining: number; limit: number; resetAt: Date | null; scope: string; seenAt: Date } | null;
  createdAt: Date;
}

const COLUMNS = [
  'id',
  'workspace_id',
  'network',
  'name',
  'account',
  'credential_secret_id',
  'session_secret_id',
  'status',
  'token_expires_at',
  'last_error',
  'last_error_at',
  'last_checked_at',
  'quota_remaining',
  'quota_limit',
  'quota_reset_at',
  'quota_scope',
  'quota_seen_at',
  'created_at',
] as const;

type Row = {
  id: string;
  workspace_id: string;
  network: string;
  name: string;
  account: string | null;
  credential_secret_id: string | null;
  session_secret_id: string | null;
  status: ChannelStatus;
  token_expires_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  last_checked_at: Date | null;
  quota_remaining: number | null;
  quota_limit: number | null;
  quota_reset_at: Date | null;
  quota_scope: string | null;
  quota_seen_at: Date | null;
  created_at: Date;
};

const toChannel = (r: Row): Channel => ({
  id: r.id,
  workspaceId: r.workspace_id,
  network: r.network,
  name: r.name,
  account: r.account,
  credentialSecretId: r.credential_secret_id,
  sessionSecretId: r.session_secret_id,
  status: r.status,
  tokenExpiresAt: r.token_expires_at,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
  lastCheckedAt: r.last_checked_at,
  quota:
    r.quota_remaining !== null && r.quota_limit !== null && r.quota_seen_at !== null
      ? {
          remaining: r.quota_remaining,
          limit: r.quota_limit,
          resetAt: r.quota_reset_at,
          scope: r.quota_scope ?? 'requests',
          seenAt: r.quota_seen_at,
        }
      : null,
  createdAt: r.created_at,
});

export class ChannelsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(c: {
    id: string;
    workspaceId: string;
    network: string;
    name: string;
    account: string | null;
    credentialSecretId: string;
    tokenExpiresAt: Date | null;
    createdBy: string | null;
    now: Date;
  }): Promise<Channel> {
    const row = await this.db
      .insertInto('channels')
      .values({
        id: c.id,
        workspace_id: c.workspaceId,
        network: c.network,
        name: c.name,
        account: c.account,
        credential_secret_id: c.credentialSecretId,
        status: 'connected',
        token_expires_at: c.tokenExpiresAt,
        last_checked_at: c.now,
        created_by: c.createdBy,
        updated_at: c.now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toChannel(row);
  }

  async list(workspaceId: string): Promise<Channel[]> {
    const rows = await this.db
      .selectFrom('channels')
      .select(COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .execute();
    return rows.map(toChannel);
  }

  async find(workspaceId: string, id: string): Promise<Channel | undefined> {
    const row = await this.db
      .selectFrom('channels')
      .select(COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toChannel(row);
  }

  /** Connected channels, in every workspace, whose token expires before `before`. */
  async expiringBefore(before: Date): Promise<Channel[]> {
    const rows = await this.db
      .selectFrom('channels')
      .select(COLUMNS)
      .where('status', '=', 'connected')
      .where('credential_secret_id', 'is not', null)
      .where('token_expires_at', '<', before)
      .orderBy('token_expires_at')
      .limit(500)
      .execute();
    return rows.map(toChannel);
  }

  async byId(id: string): Promise<Channel | undefined> {
    const row = await this.db.selectFrom('channels').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toChannel(row);
  }

  async recordHealth(
    id: string,
    health: {
      status: ChannelStatus;
      account?: string | null;
      tokenExpiresAt?: Date | null;
      error: string | null;
      now: Date;
    },
  ): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({
        status: health.status,
        ...(health.account !== undefined ? { account: health.account } : {}),
        ...(health.tokenExpiresAt !== undefined ? { token_expires_at: health.tokenExpiresAt } : {}),
        last_checked_at: health.now,
        updated_at: health.now,
        ...(health.error ? { last_error: health.error, last_error_at: health.now } : { last_error: null }),
      })
      .where('id', '=', id)
      .execute();
  }

  async setCredential(id: string, secretId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({ credential_secret_id: secretId, status: 'connected', updated_at: now, disconnected_at: null })
      .where('id', '=', id)
      .execute();
  }

  /** The newest report wins; an older one arriving late (parallel requests) does not overwrite it. */
  async recordQuota(
    id: string,
    quota: { remaining: number; limit: number; resetAt: Date | null; scope: string; seenAt: Date },
  ): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({
        quota_remaining: quota.remaining,
        quota_limit: quota.limit,
        quota_reset_at: quota.resetAt,
        quota_scope: quota.scope,
        quota_seen_at: quota.seenAt,
      })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('quota_seen_at', 'is', null), eb('quota_seen_at', '<=', quota.seenAt)]))
      .execute();
  }

  async setSession(id: string, secretId: string | null): Promise<void> {
    await this.db.updateTable('channels').set({ session_secret_id: secretId }).where('id', '=', id).execute();
  }

  async markDisconnected(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({
        status: 'disconnected',
        credential_secret_id: null,
        session_secret_id: null,
        disconnected_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }
}
