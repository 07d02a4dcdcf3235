import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface OAuthClientRow {
  clientId: string;
  secretId: string | null;
}

export interface OAuthFlow {
  id: string;
  workspaceId: string;
  userId: string;
  network: string;
  channelId: string | null;
  name: string | null;
  secretId: string;
  expiresAt: Date;
}

/** Client registrations and pending sign-ins. */
export class OAuthRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async findClient(
    network: string,
    issuer: string,
    redirectUri: string,
  ): Promise<OAuthClientRow | undefined> {
    const row = await this.db
      .selectFrom('oauth_clients')
      .select(['client_id', 'secret_id'])
      .where('network', '=', network)
      .where('issuer', '=', issuer)
      .where('redirect_uri', '=', redirectUri)
      .executeTakeFirst();
    return row && { clientId: row.client_id, secretId: row.secret_id };
  }

  /** Keeps the first registration when two sign-ins register at once; returns whether this one was kept. */
  async insertClient(c: {
    id: string;
    network: string;
    issuer: string;
    redirectUri: string;
    clientId: string;
    secretId: string | null;
  }): Promise<boolean> {
    const inserted = await this.db
      .insertInto('oauth_clients')
      .values({
        id: c.id,
        network: c.network,
        issuer: c.issuer,
        redirect_uri: c.redirectUri,
        client_id: c.clientId,
        secret_id: c.secretId,
      })
      .onConflict((oc) => oc.columns(['network', 'issuer', 'redirect_uri']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async insertFlow(f: OAuthFlow & { stateHash: string }): Promise<void> {
    await this.db
      .insertInto('oauth_flows')
      .values({
        id: f.id,
        state_hash: f.stateHash,
        workspace_id: f.workspaceId,
        user_id: f.userId,
        network: f.network,
        channel_id: f.channelId,
        name: f.name,
        secret_id: f.secretId,
        expires_at: f.expiresAt,
      })
      .execute();
  }

  /** Takes a pending sign-in out: a state value works once, even if two callbacks race. */
  async takeFlow(stateHash: string): Promise<OAuthFlow | undefined> {
    const row = await this.db
      .deleteFrom('oauth_flows')
      .where('state_hash', '=', stateHash)
      .returning([
        'id',
        'workspace_id',
        'user_id',
        'network',
        'channel_id',
        'name',
        'secret_id',
        'expires_at',
      ])
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        workspaceId: row.workspace_id,
        userId: row.user_id,
        network: row.network,
        channelId: row.channel_id,
        name: row.name,
        secretId: row.secret_id,
        expiresAt: row.expires_at,
      }
    );
  }

  /** Removes sign-ins nobody finished; returns their vault secrets so they can be deleted too. */
  async deleteExpiredFlows(now: Date): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('oauth_flows')
      .where('expires_at', '<', now)
      .returning('secret_id')
      .execute();
    return rows.map((r) => r.secret_id);
  }
}
